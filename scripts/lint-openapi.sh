#!/usr/bin/env bash
# Lints the OpenAPI document with Spectral (.spectral.yaml: spectral:oas + the OWASP ruleset) and
# fails on any error or warning. `npm run lint:openapi [-- <file.json>]`: the file given, else the
# committed document libs/api-client/openapi.json when it exists, else the document the API serves
# (written to a temporary file by apps/api/src/openapi-document.ts, without a database).
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-libs/api-client/openapi.json}
if [[ $# -eq 0 && ! -f "$file" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  file="$tmp/openapi.json"
  node -r ./test/support/swc-register.js apps/api/src/openapi-document.ts "$file"
fi
npx spectral lint --ruleset .spectral.yaml --fail-severity warn "$file"
