import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLocalKeys } from './crypto-config';
import { KeyMaterialError } from './errors';
import { readOrCreateSecretFile } from './key-files';
import { LocalKeyManagementService } from './kms';

describe('locally generated key files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'remedy-keys-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('given no key file, when many loaders start together, then one key is created (mode 0600) and all agree', async () => {
    const path = join(dir, 'keys', 'some.key');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => readOrCreateSecretFile(path, () => randomBytes(32))),
    );
    for (const r of results) expect(r.equals(results[0]!)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'keys'))).toEqual(['some.key']); // no temporary files left
  });

  it('given a key file readable by others, when loaded, then it is refused', async () => {
    const path = join(dir, 'open.key');
    await writeFile(path, 'x');
    await chmod(path, 0o644);
    await expect(readOrCreateSecretFile(path, () => randomBytes(32))).rejects.toThrow(
      KeyMaterialError,
    );
  });

  it('creates master.key and blind-index.key on first start, different keys, and reuses them afterwards', async () => {
    const first = await loadLocalKeys({ dataDir: dir });
    const second = await loadLocalKeys({ dataDir: dir });
    expect((await readdir(join(dir, 'keys'))).sort()).toEqual(['blind-index.key', 'master.key']);
    const person = {
      organisationId: '6f1c7c1e-6a57-4c8e-9d65-1f2c1d6c3b10',
      name: 'Ana',
      birthDate: '2001-02-03',
    };
    expect(second.blindIndexer.index(person)).toBe(first.blindIndexer.index(person));
    const caseId = '0b7f3a52-1f7e-4a55-9a4c-3d4f6c1d2e90';
    const wrapped = await first.kms.wrapKey(randomBytes(32), { caseId });
    expect((await second.kms.unwrapKey(wrapped, { caseId })).length).toBe(32);
  });

  it('refuses a blind index key equal to a master key', async () => {
    const key = randomBytes(32).toString('base64');
    await expect(
      loadLocalKeys({ dataDir: dir, masterKey: key, blindIndexKey: key }),
    ).rejects.toThrow(/differ/);
  });

  it('given two rotations racing, then they agree on the same new master key version', async () => {
    const [a, b] = await Promise.all([
      LocalKeyManagementService.load({ dataDir: dir }),
      LocalKeyManagementService.load({ dataDir: dir }),
    ]);
    const versions = await Promise.all([a.createKeyVersion(), b.createKeyVersion()]);
    expect(versions).toEqual([2, 2]);
    const caseId = '0b7f3a52-1f7e-4a55-9a4c-3d4f6c1d2e90';
    const wrapped = await a.wrapKey(randomBytes(32), { caseId });
    expect(wrapped.keyVersion).toBe(2);
    expect((await b.unwrapKey(wrapped, { caseId })).length).toBe(32);
  });

  it('given a rotation by another process, then a running KMS picks up the new version at its next refresh', async () => {
    const running = await LocalKeyManagementService.load({ dataDir: dir, refreshIntervalMs: 0 });
    const operator = await LocalKeyManagementService.load({ dataDir: dir });
    expect(await running.currentKeyVersion()).toBe(1);
    await operator.createKeyVersion();
    const caseId = '0b7f3a52-1f7e-4a55-9a4c-3d4f6c1d2e90';
    expect((await running.wrapKey(randomBytes(32), { caseId })).keyVersion).toBe(2);
  });

  it('retires an old master key version for good, never the current one', async () => {
    const kms = await LocalKeyManagementService.load({ dataDir: dir });
    const caseId = '0b7f3a52-1f7e-4a55-9a4c-3d4f6c1d2e90';
    const underV1 = await kms.wrapKey(randomBytes(32), { caseId });
    await expect(kms.retireKeyVersion(1)).rejects.toThrow(/current/);
    await kms.createKeyVersion();
    await kms.retireKeyVersion(1);
    expect(await readdir(join(dir, 'keys'))).toEqual(['master.v2.key']);
    // A restart does not bring version 1 back, and what it wrapped is gone for good.
    const restarted = await LocalKeyManagementService.load({ dataDir: dir });
    expect(restarted.keyVersions()).toEqual([2]);
    await expect(restarted.unwrapKey(underV1, { caseId })).rejects.toThrow(/not available/);
    await expect(restarted.retireKeyVersion(7)).rejects.toThrow(/does not exist/);
  });

  it('given several OS processes starting together on an empty data dir, then they all get the same master key', async () => {
    const root = join(__dirname, '..', '..', '..');
    const script = `
      const { createHash } = require('node:crypto');
      const { LocalKeyManagementService } = require(${JSON.stringify(join(__dirname, 'kms.ts'))});
      const { readFileSync } = require('node:fs');
      LocalKeyManagementService.load({ dataDir: process.argv[1] }).then(() => {
        const file = readFileSync(require('node:path').join(process.argv[1], 'keys', 'master.key'));
        process.stdout.write(createHash('sha256').update(file).digest('hex'));
      });`;
    const run = () =>
      promisify(execFile)(
        process.execPath,
        ['--require', join(root, 'test/support/swc-register.js'), '-e', script, dir],
        { cwd: root },
      );
    const outputs = await Promise.all(Array.from({ length: 4 }, run));
    const digests = new Set(outputs.map((o) => o.stdout));
    expect(digests.size).toBe(1);
    expect([...digests][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(await readdir(join(dir, 'keys'))).toEqual(['master.key']);
  });
});
