#!/usr/bin/env bash
# Lints the OpenAPI document with Spectral (.spectral.yaml: spectral:oas + the OWASP ruleset) and
# fails on any error or warning. `npm run lint:openapi [-- <file.json>]`: the file given, else the
# committed document libs/api-client/openapi.json, which test/api-client proves equal to what the
# API serves at /docs-json (regenerate it with `npm run openapi`).
set -euo pipefail
cd "$(dirname "$0")/.."
npx spectral lint --ruleset .spectral.yaml --fail-severity warn "${1:-libs/api-client/openapi.json}"
