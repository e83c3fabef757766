import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The command lines of the READMEs, read from the READMEs themselves (so a line added to a README
 * is picked up by readme-commands.spec.ts without an edit here) and sorted into what a newcomer
 * runs against a fresh `npm start` and what is exempt, with the reason.
 */

export const README_FILES = ['README.md', 'apps/cli/README.md'] as const;

export interface CommandLine {
  readonly file: string;
  readonly line: number;
  /** As written (continuation lines and quoted line breaks kept), for the shell. */
  readonly text: string;
  /**
   * block: a statement of a ```bash block; inline: a `code span` of the prose that is a command;
   * cli-table: a command of apps/cli/README.md's command table (run as `npm run cli -- <it>`);
   * try-table: a request of the README's "first three requests to try for each role" table.
   */
  readonly source: 'block' | 'inline' | 'cli-table' | 'try-table';
  /** try-table only: the role whose demo token sends it. */
  readonly role?: string;
  /** try-table only: sent with `If-Match` (the ETag of the role's previous answer). */
  readonly ifMatch?: boolean;
}

/** One line of text: comments dropped, blanks collapsed (how lines are compared and classified). */
export function normalise(text: string): string {
  return stripComment(text).replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Drops each `# comment` (outside quotes), keeping the line breaks. */
export function stripComment(text: string): string {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      return stripComment(text.slice(0, i) + (end < 0 ? '' : text.slice(end)));
    }
  }
  return text;
}

/** Splits a shell block into statements: a line break ends one unless quoted or escaped. */
export function statements(block: string, firstLine: number): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let quote = '';
  let start = 0;
  let line = firstLine;
  let startLine = firstLine;
  const push = (end: number) => {
    const text = block.slice(start, end).trim();
    if (text && !text.startsWith('#')) out.push({ text, line: startLine });
  };
  for (let i = 0; i < block.length; i++) {
    const c = block[i];
    if (c === '\n') line++;
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') {
      if (block[i + 1] === '\n') line++;
      i++;
    } else if (c === '#' && (i === 0 || /\s/.test(block[i - 1]))) {
      while (i + 1 < block.length && block[i + 1] !== '\n') i++; // a comment: to the line's end
    } else if (c === '\n') {
      push(i);
      start = i + 1;
      startLine = line;
    }
  }
  push(block.length);
  return out;
}

const COMMAND_SPAN =
  /^(?:[A-Z][A-Z0-9_]*=\S*\s+)*(?:npm|npx|node|bash|curl|psql|pg_[a-z]+|docker|git)\s|^[A-Z][A-Z0-9_]*=\$\(/;
const REQUEST_SPAN = /^(GET|POST|PUT|PATCH|DELETE) (\/\S*)(?: (\{.*\}))?$/;

/** Every command line of one README, in document order. */
export function commandLines(file: string, markdown: string): CommandLine[] {
  const found: { at: number; line: CommandLine }[] = [];
  const lineAt = (index: number) => markdown.slice(0, index).split('\n').length;
  // Fenced blocks: statements of shell blocks; the rest of the text is prose.
  let prose = markdown;
  for (const m of markdown.matchAll(/^( *)```(\w*)[^\n]*\n([\s\S]*?)^\1```[ \t]*$/gm)) {
    prose = prose.slice(0, m.index) + ' '.repeat(m[0].length) + prose.slice(m.index + m[0].length);
    if (!['bash', 'sh', 'shell'].includes(m[2])) continue;
    const bodyAt = m.index + m[0].indexOf('\n') + 1;
    for (const s of statements(m[3], lineAt(bodyAt))) {
      found.push({ at: bodyAt, line: { file, line: s.line, text: s.text, source: 'block' } });
    }
  }
  // Tables whose first header cell is `command` (the CLI's) or whose second is `try` (per role).
  const tableRows = new Set<number>();
  for (const t of prose.matchAll(/^\|([^\n]*)\|\n\|[-| ]+\|\n((?:\|[^\n]*\|\n?)+)/gm)) {
    const header = cells(t[1]);
    const kind =
      header[0] === 'command' ? 'cli-table' : header[1] === 'try' ? 'try-table' : undefined;
    if (!kind) continue;
    let at = t.index + t[0].indexOf(t[2]);
    for (const row of t[2].split('\n').filter(Boolean)) {
      tableRows.add(lineAt(at));
      const [first, second] = cells(row.slice(1, -1));
      if (kind === 'cli-table') {
        for (const span of spans(first)) {
          found.push({ at, line: { file, line: lineAt(at), text: span, source: kind } });
        }
      } else {
        const parts = second.split(' · ');
        for (const part of parts) {
          const [request] = spans(part);
          if (!REQUEST_SPAN.test(request)) continue;
          found.push({
            at,
            line: {
              file,
              line: lineAt(at),
              text: request,
              source: kind,
              role: first,
              ifMatch: /with `If-Match`/.test(part),
            },
          });
        }
      }
      at += row.length + 1;
    }
  }
  // Code spans of the prose that are commands (a span may wrap onto the next line).
  for (const m of prose.matchAll(/`([^`\n]+(?:\n[^`\n]+)?)`/g)) {
    const text = m[1].replace(/\s*\n\s*/g, ' ').trim();
    if (tableRows.has(lineAt(m.index)) || !COMMAND_SPAN.test(text)) continue;
    found.push({ at: m.index, line: { file, line: lineAt(m.index), text, source: 'inline' } });
  }
  return found.sort((a, b) => a.at - b.at || a.line.line - b.line.line).map((f) => f.line);
}

function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

function spans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}

export function readmeCommandLines(root: string): CommandLine[] {
  return README_FILES.flatMap((f) => commandLines(f, readFileSync(join(root, f), 'utf8')));
}

// ---------------------------------------------------------------------------------------------
// Classification

export type Check = (root: string) => string | undefined; // undefined: fine; else what is missing

/** A command the test runs, or one it does not (with the reason and what is checked instead). */
export type Kind =
  | { readonly run: 'start' }
  | { readonly run: 'shell' }
  | { readonly run: 'request' }
  | { readonly run: 'cli' }
  | { readonly exempt: string; readonly check: Check };

const script =
  (name: string): Check =>
  (root) => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    return scripts[name] ? undefined : `package.json has no "${name}" script`;
  };
const file =
  (path: string): Check =>
  (root) =>
    existsSync(join(root, path)) ? undefined : `${path} does not exist`;
const contains =
  (path: string, text: string): Check =>
  (root) =>
    existsSync(join(root, path)) && readFileSync(join(root, path), 'utf8').includes(text)
      ? undefined
      : `${path} does not mention ${text}`;
const all =
  (...checks: Check[]): Check =>
  (root) =>
    checks.map((c) => c(root)).find(Boolean);

/** A PostgreSQL program: on the PATH or in a PostgreSQL installation's bin directory. */
export function postgresProgram(name: string): Check {
  return () => {
    const dirs = (process.env.PATH ?? '').split(delimiter);
    const pg = '/usr/lib/postgresql';
    if (existsSync(pg)) for (const v of readdirSync(pg)) dirs.push(join(pg, v, 'bin'));
    return dirs.some((d) => d && existsSync(join(d, name)))
      ? undefined
      : `${name} (a PostgreSQL program) is not on the PATH nor in ${pg}/*/bin`;
  };
}

const CHECKS_OF_THE_TREE =
  'a check of the source tree, not of a running system; .ci/run runs it on every clean clone';

/**
 * The rules, first match wins. The exempt ones name why the test does not run them and check that
 * what they name exists.
 */
export const RULES: readonly { readonly match: RegExp; readonly kind: Kind }[] = [
  { match: /^npm ci\b.*&& npm start$/, kind: { run: 'start' } },
  { match: /^npm start$/, kind: { run: 'start' } },
  {
    match: /^npm run build$/,
    kind: {
      exempt: 'run by npm start (its first step), which this test runs',
      check: script('build'),
    },
  },
  {
    match: /^DATABASE_URL=\S+ REDIS_URL=\S+ npm start$/,
    kind: {
      exempt:
        'needs an external PostgreSQL and Redis (the one-server deployment); .ci/run starts it that way',
      check: all(file('.ci/run'), script('start')),
    },
  },
  {
    match: /^npm test$/,
    kind: {
      exempt: 'the whole test suite, this test included (recursive, about 6 min)',
      check: script('test'),
    },
  },
  {
    match: /^bash \.ci\/run$/,
    kind: {
      exempt: 'CI on a clean clone: npm ci and npm test, this test included (recursive)',
      check: file('.ci/run'),
    },
  },
  {
    match: /^npm run openapi$/,
    kind: {
      exempt:
        'rewrites committed files (libs/api-client); test/api-client runs the same generation and compares it with them',
      check: all(script('openapi'), file('test/api-client/api-client-drift.spec.ts')),
    },
  },
  {
    match: /^npm run lint:openapi$/,
    kind: {
      exempt: CHECKS_OF_THE_TREE,
      check: all(script('lint:openapi'), file('.spectral.yaml')),
    },
  },
  {
    match: /^npm run mutation$/,
    kind: {
      exempt: 'StrykerJS over the case domain: about 5 min on 2 idle cores',
      check: all(script('mutation'), file('scripts/mutation-score.mjs')),
    },
  },
  {
    match: /^npm run bench$/,
    kind: {
      exempt: 'the benchmarks: about 6 min (BENCH_QUICK=1: about 1 min)',
      check: all(script('bench'), file('bench/run.ts')),
    },
  },
  ...['typecheck', 'lint', 'format:check', 'depcruise'].map((name) => ({
    match: new RegExp(`^npm run ${name}$`),
    kind: { exempt: CHECKS_OF_THE_TREE, check: script(name) },
  })),
  {
    match: /^npm run docs:config$/,
    kind: {
      exempt:
        "rewrites the README's configuration table; libs/config's test fails when it is out of step",
      check: script('docs:config'),
    },
  },
  {
    match: /^npm run cli -- <command>$/,
    kind: {
      exempt: "the general form; each command of apps/cli/README.md's table is run",
      check: script('cli'),
    },
  },
  ...['psql', 'pg_restore', 'pg_resetwal'].map((name) => ({
    match: new RegExp(`^${name} `),
    kind: {
      exempt:
        "PostgreSQL's own program, for restoring a backup into a production cluster (the restore procedure); not Remedy's",
      check: postgresProgram(name),
    },
  })),
  {
    match: /^EVENTSTORE_CONNECTION_STRING=/,
    kind: {
      exempt: 'the EventStoreDB contract suite needs an EventStoreDB server',
      check: file('libs/event-store/src/eventstoredb/eventstoredb.contract.spec.ts'),
    },
  },
  {
    match: /^npm run cli -- keys retire-master /,
    kind: {
      exempt:
        'retires a master key version a minute after the rotation, once running processes have re-read the key files (libs/crypto/README.md); apps/cli/src/cli.spec.ts rotates and retires end to end',
      check: all(
        file('apps/cli/src/cli.spec.ts'),
        contains('apps/cli/src/cli.spec.ts', 'retire-master'),
      ),
    },
  },
  {
    match: /^docker-compose /,
    kind: {
      exempt:
        'needs a Docker engine, which these machines lack; .ci/run validates every compose configuration with docker-compose config -q',
      check: all(file('docker/compose.yml'), contains('.ci/run', 'docker-compose')),
    },
  },
  {
    match: /^export KEYCLOAK_ADMIN_PASSWORD=/,
    kind: {
      exempt: "Keycloak's first administrator, for the docker-compose line that follows it",
      check: all(
        file('docker/keycloak/keycloak.env'),
        contains('docker/compose.yml', 'KEYCLOAK_ADMIN_PASSWORD'),
      ),
    },
  },
  { match: /^(?:[A-Z][A-Z0-9_]*=\$\()?npm run (?:cli|demo)\b/, kind: { run: 'shell' } },
  { match: /^curl /, kind: { run: 'shell' } },
  { match: /^[A-Z][A-Z0-9_]*=/, kind: { run: 'shell' } }, // a shell variable of a block
];

/** The EventStoreDB suite, exempt whether or not a README shows its command line. */
export const ALWAYS_EXEMPT = RULES.filter((r) => r.match.source.startsWith('^EVENTSTORE'));

export function classify(line: CommandLine): Kind | undefined {
  if (line.source === 'try-table') return { run: 'request' };
  const text = normalise(line.source === 'cli-table' ? `npm run cli -- ${line.text}` : line.text);
  const kind = RULES.find((r) => r.match.test(text))?.kind;
  return line.source === 'cli-table' && kind && !('exempt' in kind) ? { run: 'cli' } : kind;
}
