import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock';
import { lockDataDirWaiting } from './shared-use';
import { freePort, isAlive, isPortFree, isPostmasterOf, waitUntilDead } from './processes';

const dirs: string[] = [];
const procs: ChildProcess[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'remedy-supervisor-'));
  dirs.push(d);
  return d;
};
/** A long-lived process whose command line starts with `argv0`, running in `cwd`. */
const sleeper = (argv0: string, cwd: string, program = 'sleep', args = ['60']) => {
  const p = spawn(program, args, { argv0, cwd, stdio: 'ignore' });
  procs.push(p);
  return p;
};

afterAll(() => {
  for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('isAlive', () => {
  it('given this process and a reaped child, then only this process is alive', async () => {
    expect(isAlive(process.pid)).toBe(true);
    const reaped = spawn('true');
    await new Promise((r) => reaped.once('exit', r));
    expect(isAlive(reaped.pid!)).toBe(false);
    expect(isAlive(0)).toBe(false);
    expect(isAlive(-1)).toBe(false);
  });

  it('given an exited child its parent never reaps (a zombie), then it counts as dead although kill(pid, 0) succeeds', async () => {
    // sh starts `sleep 0` in the background, then becomes `sleep 60`, which never waits for it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    procs.push(parent);
    const zombie = await new Promise<number>((r) =>
      parent.stdout!.once('data', (d: Buffer) => r(Number(d.toString().trim()))),
    );
    const deadline = Date.now() + 5000;
    const state = () => {
      const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    };
    while (state() !== 'Z' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(state()).toBe('Z');
    expect(() => process.kill(zombie, 0)).not.toThrow();
    expect(isAlive(zombie)).toBe(false);
  });
});

describe('isPostmasterOf', () => {
  it('given a live postgres-named process working in the data dir, then it is that cluster’s postmaster', async () => {
    const dataDir = tempDir();
    const other = tempDir();
    const pg = sleeper('postgres', dataDir);
    await new Promise((r) => pg.once('spawn', r));
    expect(isPostmasterOf(pg.pid!, dataDir)).toBe(true);
    // Another cluster's directory, or a pid reused by something that is not PostgreSQL: not ours.
    expect(isPostmasterOf(pg.pid!, other)).toBe(false);
    const impostor = sleeper('sleep', dataDir);
    await new Promise((r) => impostor.once('spawn', r));
    expect(isPostmasterOf(impostor.pid!, dataDir)).toBe(false);
    pg.kill('SIGKILL');
    expect(await waitUntilDead(pg.pid!, 5000)).toBe(true);
    expect(isPostmasterOf(pg.pid!, dataDir)).toBe(false);
  });
});

describe('ports', () => {
  it('given a port in use, then it is not free; a chosen free port is never 5432 and can be bound', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const used = (srv.address() as net.AddressInfo).port;
    expect(await isPortFree(used)).toBe(false);
    await new Promise((r) => srv.close(r));
    expect(await isPortFree(used)).toBe(true);
    const port = await freePort();
    expect(port).not.toBe(5432);
    expect(await isPortFree(port)).toBe(true);
  });
});

describe('lockDataDir', () => {
  it('given a data-dir.lock of a live node process, when locking, then it refuses naming that pid', async () => {
    const dir = tempDir();
    const other = sleeper('node', dir, process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => other.once('spawn', r));
    writeFileSync(join(dir, 'data-dir.lock'), `${other.pid}\n`);
    expect(() => lockDataDir(dir)).toThrow(
      `another supervisor (pid ${other.pid}) is running with REMEDY_DATA_DIR=${dir}`,
    );
  });

  it('given a data-dir.lock left by a dead supervisor, when locking, then the stale lock is taken over and released', async () => {
    const dir = tempDir();
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    writeFileSync(join(dir, 'data-dir.lock'), `${dead.pid}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, 'data-dir.lock'), 'utf8')).toBe(`${process.pid}\nnpm start\n`);
    lock.release();
    expect(() => readFileSync(join(dir, 'data-dir.lock'))).toThrow();
  });

  it('given a data-dir.lock of a live CLI command, when npm start locks waiting, then it says it waits and refuses after the wait naming the command', async () => {
    const dir = tempDir();
    const other = sleeper('node', dir, process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => other.once('spawn', r));
    writeFileSync(join(dir, 'data-dir.lock'), `${other.pid}\ncli\n`);
    const lines: string[] = [];
    await expect(lockDataDirWaiting(dir, 'npm start', (l) => lines.push(l), 300)).rejects.toThrow(
      `a CLI command (pid ${other.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dir}, still after 0.3 s: try again when it has finished`,
    );
    expect(lines).toEqual([
      `a CLI command (pid ${other.pid}) is using the embedded PostgreSQL of REMEDY_DATA_DIR=${dir}: waiting up to 0.3 s for it to finish`,
    ]);
  });
});
