import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@remedy/config';
import { KeyMaterialError } from '@remedy/crypto';
import { loadLinkageSecret, rotateLinkageSecret } from './secret';

describe('the shared linkage secret (configuration checked at start-up)', () => {
  it('zero-setup: version 1 is created as a private key file; a rotation adds version 2, which is then current', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'remedy-linkage-secret-'));
    const first = await loadLinkageSecret({ dataDir });
    expect(first.version).toBe(1);
    expect(first.key).toHaveLength(32);
    expect(statSync(join(dataDir, 'keys', 'linkage-secret.1.key')).mode & 0o777).toBe(0o600);
    expect((await loadLinkageSecret({ dataDir })).key.equals(first.key)).toBe(true);
    const rotated = await rotateLinkageSecret(dataDir);
    expect(rotated.version).toBe(2);
    const current = await loadLinkageSecret({ dataDir });
    expect(current.version).toBe(2);
    expect(current.key.equals(first.key)).toBe(false);
  });

  it('refuses a malformed LINKAGE_SECRET at configuration load, without echoing it', () => {
    const load = () =>
      loadConfig({
        DATABASE_URL: 'postgres://u@localhost/db',
        LINKAGE_SECRET: 'not-a-key-SECRETVALUE',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/LINKAGE_SECRET/);
    expect(load).not.toThrow(/SECRETVALUE/);
  });

  it('refuses a secret equal to a key it must differ from (the blind index key)', async () => {
    const key = Buffer.alloc(32, 9);
    await expect(
      loadLinkageSecret({
        dataDir: tmpdir(),
        secret: key.toString('base64'),
        mustDifferFrom: (k) => k.equals(key),
      }),
    ).rejects.toThrow(KeyMaterialError);
  });
});
