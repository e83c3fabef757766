import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@remedy/embedded-database';
import {
  ALWAYS_EXEMPT,
  classify,
  CommandLine,
  Kind,
  normalise,
  readmeCommandLines,
  stripComment,
} from './readme-commands';
import {
  cleanUp,
  holdDist,
  newDataDir,
  postmasterPid,
  ROOT,
  RunningSupervisor,
  waitForHealth,
  waitUntilDead,
  within,
} from './supervisor-harness';

/**
 * The READMEs' commands, run as a newcomer runs them: `npm start` (which builds) on a fresh data
 * folder with nothing configured, then, in one bash session and in document order, every
 * `npm run cli` and `npm run demo` line of README.md and apps/cli/README.md, every command of the
 * CLI's table, every request of the caseworker flows (placeholders such as <caseId> filled from
 * earlier answers) and of the demo's "requests to try" table (with the tokens the demo printed).
 * Each must exit 0 and each HTTP answer be 2xx. The long or recursive commands are exempt, each with
 * its reason and a check that what it names exists (readme-commands.ts). A command line no rule
 * knows fails the test, naming it.
 *
 * Two adaptations, both stated here: the API listens on a free port instead of 3000 (the READMEs'
 * `http://localhost:3000` is rewritten), and `npm run demo` seeds DEMO_CASES cases instead of 300
 * (300 take about 60 s; apps/cli/src/demo/seed.spec.ts checks what the seeding covers): the
 * fewest whose plan gives the first organisation an adult case awaiting closure approval (case
 * 90), which the supervisor's requests of the table need.
 */
const DEMO_CASES = 100;

const lines = readmeCommandLines(ROOT);
const where = (l: CommandLine) => `${l.file}:${l.line} \`${normalise(l.text)}\``;

describe('README commands', () => {
  it('given the READMEs, when every command line is classified, then none is unknown and every exempt one names what exists', () => {
    const unknown = lines.filter((l) => !classify(l)).map(where);
    expect(unknown).toEqual([]);
    const exempt = [
      ...lines.map((l) => [where(l), classify(l)] as const),
      ...ALWAYS_EXEMPT.map((r) => [`(always) ${r.match.source}`, r.kind] as const),
    ].filter((e): e is readonly [string, Extract<Kind, { exempt: string }>] => 'exempt' in e[1]!);
    const missing = exempt.flatMap(([w, k]) => {
      const problem = k.check(ROOT);
      return problem ? [`${w}: ${problem}`] : [];
    });
    expect(missing).toEqual([]);
    expect(exempt.length).toBeGreaterThan(0);
  });

  describe('run as a newcomer on a fresh data folder', () => {
    let dir: string;
    let port: number;
    let start: RunningSupervisor;
    let shell: Shell;

    beforeAll(async () => {
      await holdDist(); // npm start rebuilds dist/, which the other zero-setup files run
      dir = newDataDir();
      port = await freePort();
      start = npmStart(dir, port);
      await waitForHealth(start, port, 600_000); // `npm start` builds first (about 40 s)
      shell = new Shell(newcomerEnv(dir, port));
    }, 1_560_000);

    afterAll(async () => {
      shell?.close();
      if (start && start.process.exitCode === null && start.process.signalCode === null) {
        process.kill(-start.pid, 'SIGINT'); // Ctrl-C: the whole process group
        await within(40_000, 'npm start stops', start.exited).catch(() =>
          process.kill(-start.pid, 'SIGKILL'),
        );
      }
      await cleanUp();
    }, 90_000);

    it('given npm start with nothing configured, when every README command line runs in order, then each exits 0 and each request answers 2xx', async () => {
      const run = new Runner(shell, port);
      const seen = new Set<string>();
      for (const line of lines) {
        const kind = classify(line)!;
        if ('exempt' in kind || kind.run === 'start') continue;
        const key = `${line.source}|${normalise(line.text)}`;
        if (seen.has(key)) continue; // the same line twice (npm run demo in both READMEs) runs once
        seen.add(key);
        await run.line(line, kind);
      }
      const failed = run.results.filter((r) => !r.ok);
      expect(failed.map((r) => r.report)).toEqual([]);
      // What ran, for the record (and for a reader of the CI log).
      console.log(
        `README commands: ${run.results.length} lines run, ${run.requests} HTTP requests\n` +
          run.results.map((r) => `  ${r.report}`).join('\n'),
      );

      // Ctrl-C: npm itself dies of the signal; the supervisor stops PostgreSQL and frees the folder.
      const postmaster = postmasterPid(dir);
      expect(postmaster).toBeDefined();
      process.kill(-start.pid, 'SIGINT');
      await within(40_000, 'npm start stops', start.exited);
      expect(await waitUntilDead(postmaster!, 40_000)).toBe(true);
      expect(existsSync(join(dir, 'postgres.json'))).toBe(false);
    }, 1_800_000); // a bound only: 7-10 min measured at a load average of 20 on 2 cores
  });
});

/** `npm start` as the README's first command, in its own process group as in a terminal. */
function npmStart(dataDir: string, port: number): RunningSupervisor {
  const proc = spawn('npm', ['start'], {
    cwd: ROOT,
    env: newcomerEnv(dataDir, port),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    proc.once('exit', (code, signal) => res({ code, signal })),
  );
  return { process: proc, pid: proc.pid!, exited, output: () => out };
}

/**
 * Nothing configured: no database, Redis or EventStoreDB. Only the data folder and the ports are
 * set, as two `npm start` on one machine need (README, Monitoring).
 */
function newcomerEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REMEDY_DATA_DIR: dataDir,
    PORT: String(port),
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    DEMO_API_URL: `http://localhost:${port}`,
  };
  for (const k of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'REDIS_URL',
    'EVENTSTORE_CONNECTION_STRING',
    'REMEDY_MASTER_KEY',
    'REMEDY_BLIND_INDEX_KEY',
    'NODE_OPTIONS',
  ])
    delete env[k];
  return env;
}

interface HttpAnswer {
  readonly args: string;
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly answers: HttpAnswer[];
}

/**
 * One bash session for every line, so variables (TOKEN, H, C, ...) carry over as in a terminal.
 * Statements arrive on fd 3, NUL-separated, and run with `eval`; after each, a marker line with
 * its exit status. `curl` is a function that keeps each answer (status, headers, body) in a file.
 */
class Shell {
  private readonly proc: ChildProcess;
  private readonly out = mkdtempSync(join(tmpdir(), 'remedy-readme-'));
  private readonly mark = `__readme_${randomUUID()}__`;
  private stdout = '';
  private stderr = '';
  private answered = 0;
  private wake: () => void = () => undefined;

  constructor(env: NodeJS.ProcessEnv) {
    const script = [
      'exec </dev/null',
      'curl() {',
      '  __n=$((__n + 1))',
      '  printf "%s " "$@" > "$__OUT/$__n.args"',
      '  command curl -sS --max-time 60 -o "$__OUT/$__n.body" -D "$__OUT/$__n.head" -w "%{http_code}" "$@" > "$__OUT/$__n.status"',
      '}',
      "while IFS= read -r -d '' __stmt <&3; do",
      '  eval "$__stmt"',
      '  printf "\\n%s %s\\n" "$__MARK" "$?"',
      '  printf "\\n%s\\n" "$__MARK" >&2',
      'done',
    ].join('\n');
    this.proc = spawn('bash', ['--noprofile', '--norc', '-c', script], {
      cwd: ROOT,
      env: { ...env, __OUT: this.out, __MARK: this.mark, __n: '0' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => ((this.stdout += d.toString()), this.wake()));
    this.proc.stderr!.on('data', (d: Buffer) => ((this.stderr += d.toString()), this.wake()));
    this.proc.once('exit', () => this.wake());
  }

  async run(statement: string, timeoutMs = 120_000): Promise<Ran> {
    (this.proc.stdio[3] as NodeJS.WritableStream).write(`${statement}\0`);
    const done = new RegExp(`\\n${this.mark} (\\d+)\\n`);
    const ended = () => done.test(this.stdout) && this.stderr.includes(`\n${this.mark}\n`);
    await within(
      timeoutMs,
      statement.slice(0, 80),
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (ended()) resolve();
          else if (this.proc.exitCode !== null) reject(new Error('the bash session ended'));
          else this.wake = check;
        };
        check();
      }),
    );
    const m = done.exec(this.stdout)!;
    const stdout = this.stdout.slice(0, m.index);
    const errEnd = this.stderr.indexOf(`\n${this.mark}\n`);
    const stderr = this.stderr.slice(0, errEnd);
    this.stdout = this.stdout.slice(m.index + m[0].length);
    this.stderr = this.stderr.slice(errEnd + this.mark.length + 2);
    const answers: HttpAnswer[] = [];
    for (let n = this.answered + 1; existsSync(join(this.out, `${n}.args`)); n++) {
      const read = (ext: string) => {
        const f = join(this.out, `${n}.${ext}`);
        return existsSync(f) ? readFileSync(f, 'utf8') : '';
      };
      answers.push({
        args: read('args').trim(),
        status: Number(read('status') || 0),
        headers: read('head'),
        body: read('body'),
      });
      this.answered = n;
    }
    return { code: Number(m[1]), stdout, stderr, answers };
  }

  close(): void {
    this.proc.stdio[3]?.destroy();
    this.proc.kill();
    rmSync(this.out, { recursive: true, force: true });
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Sample values for the CLI table's placeholders: what a newcomer would type. */
const CLI_SAMPLES: Record<string, string> = {
  '<n>': '"Riverside Shelter (fictional)"',
  '<HTCDS org_Type>': 'NGO',
  '<a,b>': 'Accommodation,Psychological',
  '<AT>': 'AT',
  '<CODE>': 'RSF',
  '<r1,r2>': 'caseworker,supervisor',
};

/** Runs the lines, fills placeholders from what earlier answers said, and records each outcome. */
class Runner {
  readonly results: { ok: boolean; report: string }[] = [];
  requests = 0;
  /** Placeholder values learnt from earlier answers (<that id>, <caseId>, <org>, ...). */
  private readonly known = new Map<string, string>();
  /** Per role, from the demo's summary: a case id of its organisation. */
  private readonly demoCase = new Map<string, string>();
  private lastEtag: string | undefined;
  private readonly ran = new Set<string>();

  constructor(
    private readonly shell: Shell,
    private readonly port: number,
  ) {}

  async line(line: CommandLine, kind: Kind): Promise<void> {
    if ('exempt' in kind || kind.run === 'start') return;
    let statement: string;
    try {
      statement =
        kind.run === 'request'
          ? this.request(line)
          : kind.run === 'cli'
            ? this.cliTableCommand(line)
            : this.fill(stripComment(line.text));
    } catch (e) {
      this.record(false, `${where(line)}: ${(e as Error).message}`);
      return;
    }
    statement = statement.replaceAll('http://localhost:3000', `http://localhost:${this.port}`);
    if (/^npm run demo$/.test(normalise(statement))) {
      statement = `npm run demo -- --cases ${DEMO_CASES}`;
    }
    if (this.ran.has(statement)) {
      this.record(true, `${where(line)}: the same command as an earlier line, run once`);
      return;
    }
    this.ran.add(statement);
    const t0 = Date.now();
    const ran = await this.shell.run(statement, /npm run demo/.test(statement) ? 900_000 : 300_000);
    const ms = Date.now() - t0;
    this.requests += ran.answers.length;
    this.learn(ran);
    if (/^npm run demo\b/.test(statement)) await this.takeDemoTokens(ran.stdout);
    const bad = ran.answers.filter((a) => a.status < 200 || a.status > 299);
    const ok = ran.code === 0 && bad.length === 0;
    const what = `${where(line)} (${ms} ms)`;
    this.record(
      ok,
      ok
        ? `${what}: exit 0${ran.answers.length ? `, ${ran.answers.map((a) => a.status).join(' ')}` : ''}`
        : `${what}: exit ${ran.code}; ran \`${normalise(statement)}\`` +
            bad
              .map((a) => `\n    ${a.status} for curl ${a.args}\n    ${a.body.slice(0, 400)}`)
              .join('') +
            (ran.code !== 0
              ? `\n    stdout: ${ran.stdout.slice(0, 1500)}\n    stderr: ${ran.stderr.slice(-600)}`
              : ''),
    );
  }

  private record(ok: boolean, text: string): void {
    const report = text
      .replace(/Bearer [\w.-]+/g, 'Bearer <token>')
      .replace(/eyJ[\w-]*\.[\w-]+\.[\w-]+/g, '<token>');
    this.results.push({ ok, report });
    if (process.env.README_COMMANDS_PROGRESS)
      process.stderr.write(`${ok ? 'ok' : 'FAILED'} ${report}\n`);
  }

  /** <placeholders> of a README line, filled from earlier answers; an unknown one fails the line. */
  private fill(text: string): string {
    return text.replace(/<([A-Za-z][\w ]*)>/g, (_, name: string) => {
      if (name === 'instant') return new Date().toISOString();
      const value = this.known.get(name);
      if (value === undefined) throw new Error(`nothing earlier answered <${name}>`);
      return value;
    });
  }

  private learn(ran: Ran): void {
    const projection = /^([\w.-]+): at /m.exec(ran.stdout)?.[1]; // projection list
    if (projection && !this.known.has('name')) this.known.set('name', projection);
    const registered = /^registered \S+ (\S+) /m.exec(ran.stdout)?.[1];
    if (registered) {
      for (const name of ['that id', 'id', 'organisation id from the directory'])
        if (!this.known.has(name)) this.known.set(name, registered);
    }
    for (const a of ran.answers) {
      const etag = /^etag: *(.+?)\r?$/im.exec(a.headers)?.[1];
      if (etag) this.lastEtag = etag;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(a.body) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof body !== 'object' || body === null) continue;
      const take = (name: string, value: unknown, first = true) => {
        if (typeof value !== 'string' && typeof value !== 'number') return;
        if (!first || !this.known.has(name)) this.known.set(name, String(value));
      };
      if (/\/organisations(\s|$)/.test(a.args) && /-X POST/.test(a.args))
        take('org', body.organisationId);
      if (/-X POST \S*\/cases(\s|$)/.test(a.args)) take('caseId', body.caseId, false); // opened
      take('referralId', body.referralId, false);
      take('position', body.position, false);
      take('releaseId', body.releaseId, false);
    }
  }

  /** The demo printed `export <ROLE>_TOKEN=...` and requests with case ids: as a newcomer pastes. */
  private async takeDemoTokens(stdout: string): Promise<void> {
    const exports = stdout.split('\n').filter((l) => /^export [A-Z_]+_TOKEN=\S+$/.test(l));
    if (exports.length) await this.shell.run(exports.join('\n'));
    let role = '';
    for (const l of stdout.split('\n')) {
      const header = /^# (\w+) /.exec(l);
      if (header) role = header[1];
      const id = new RegExp(`/cases/(${UUID.source})`).exec(l)?.[1];
      if (role && id && !this.demoCase.has(role)) this.demoCase.set(role, id);
    }
  }

  /** A request of the "requests to try" table: curl with that role's demo token. */
  private request(line: CommandLine): string {
    const [, method, path, body] = /^(\w+) (\S+)(?: (.*))?$/.exec(line.text)!;
    const filled = path
      .replace('<caseId>', () => {
        const id = this.demoCase.get(line.role!);
        if (!id) throw new Error(`the demo printed no case id for ${line.role}`);
        return id;
      })
      .replace('<id>', () => {
        const id = this.known.get('releaseId');
        if (!id) throw new Error('nothing earlier answered <id>');
        return id;
      })
      .replace('=...', `=${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
    const token = `$${line.role!.toUpperCase()}_TOKEN`;
    return [
      'curl',
      method === 'GET' ? '' : `-X ${method}`,
      `-H "Authorization: Bearer ${token}"`,
      body || method !== 'GET' ? `-H 'Content-Type: application/json' -d '${body ?? '{}'}'` : '',
      line.ifMatch ? `-H 'If-Match: ${this.lastEtag ?? '(no ETag answered before)'}'` : '',
      `"http://localhost:${this.port}${filled}"`,
    ]
      .filter(Boolean)
      .join(' ');
  }

  /**
   * A command of apps/cli/README.md's table, as `npm run cli -- <it>`: optional parts ([...]) left
   * out, alternatives (a|b) each run, placeholders filled with a sample or an earlier answer.
   */
  private cliTableCommand(line: CommandLine): string {
    const required = line.text.replace(/\s*\[[^\]]*\]/g, '');
    const alternatives = /^(.*?)(\S+)\|(\S+)(.*)$/.exec(required);
    const forms = alternatives
      ? [alternatives[2], alternatives[3]].map((a) => alternatives[1] + a + alternatives[4])
      : [required];
    return forms
      .map((form) => {
        if (/^demo\b/.test(form)) return `npm run demo`;
        const filled = form
          .replace(/--user <uuid>/, `--user ${randomUUID()}`)
          .replace(/--org <uuid>/, '--org <that id>')
          .replace(/^organisations update <id>/, 'organisations update <that id>')
          .replace(/<[^<>]+>/g, (p) => CLI_SAMPLES[p] ?? p);
        return this.fill(`npm run cli -- ${filled}`);
      })
      .join(' && ');
  }
}
