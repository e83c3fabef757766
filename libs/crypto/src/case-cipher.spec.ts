import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createTestDatabase, TestDatabase } from '../../../test/support/database';
import { CaseCipher } from './case-cipher';
import { cryptoEnvironment, openPersonalDataCrypto } from './crypto-config';
import { DecryptionError, PersonalDataErasedError } from './errors';
import { LocalKeyManagementService } from './kms';

describe('CaseCipher (per-case data keys in PostgreSQL, wrapped by the master key)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataDir: string;
  let kms: LocalKeyManagementService;
  let cipher: CaseCipher;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 4 });
    dataDir = await mkdtemp(join(tmpdir(), 'remedy-crypto-'));
    kms = await LocalKeyManagementService.load({ dataDir });
    cipher = new CaseCipher({ pool, kms });
  });
  afterAll(async () => {
    await cipher.close();
    await pool.end();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const rawRow = async (caseId: string) =>
    (await pool.query('SELECT * FROM case_data_keys WHERE case_id = $1', [caseId])).rows[0] as
      Record<string, unknown> | undefined;

  it('given a new case, when personal data is encrypted, then a wrapped key is created lazily and the data round-trips', async () => {
    const caseId = randomUUID();
    expect(await rawRow(caseId)).toBeUndefined();
    const ct = await cipher.encryptJsonForCase(caseId, {
      names: ['Ana Núñez'],
      phone: '+34 600 000 000',
    });
    const row = await rawRow(caseId);
    expect(row).toMatchObject({
      master_key_id: 'local',
      master_key_version: 1,
      data_key_version: 1,
      destroyed_at: null,
    });
    expect((row!.wrapped_key as Buffer).length).toBe(60);
    expect(ct).not.toContain('Ana');
    expect(await cipher.decryptJsonForCase(caseId, ct)).toEqual({
      names: ['Ana Núñez'],
      phone: '+34 600 000 000',
    });
    // A fresh cipher (no cache) unwraps the stored key.
    const cold = new CaseCipher({ pool, kms });
    expect(await cold.decryptJsonForCase(caseId, ct)).toEqual({
      names: ['Ana Núñez'],
      phone: '+34 600 000 000',
    });
  });

  it('given an opening, when its key is created without a lookup, then it is one insert; a retry, another process or an erased case still get their own row', async () => {
    const caseId = randomUUID();
    const sent: string[] = [];
    const counting = {
      query: (text: string, values?: unknown[]) => {
        sent.push(text.trim().split(/\s+/)[0]!);
        return pool.query(text, values);
      },
    } as unknown as Pool;
    const opening = new CaseCipher({ pool: counting, kms });
    await opening.createCaseKey(caseId);
    expect(sent).toEqual(['INSERT']);
    const ct = await opening.encryptForCase(caseId, 'Ana');
    expect(sent).toEqual(['INSERT']); // cached
    // Another process creating it again (a retried opening): the first key is kept and used.
    const other = new CaseCipher({ pool, kms });
    await other.createCaseKey(caseId);
    expect(await other.decryptForCase(caseId, ct)).toBe('Ana');
    // An erased case: no new key, the erasure is reported.
    await other.destroyCaseKey(caseId);
    const late = new CaseCipher({ pool, kms });
    await expect(late.createCaseKey(caseId)).rejects.toBeInstanceOf(PersonalDataErasedError);
    expect((await rawRow(caseId))!.wrapped_key).toBeNull();
  });

  it('given a ciphertext moved to another case, when decrypted there, then it fails', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const ct = await cipher.encryptForCase(a, 'note about the person');
    await cipher.encryptForCase(b, 'b has a key too');
    await expect(cipher.decryptForCase(b, ct)).rejects.toThrow(DecryptionError);
    await expect(cipher.decryptForCase(randomUUID(), ct)).rejects.toMatchObject({
      reason: 'no_data_key',
    });
  });

  it('given a tampered ciphertext, when decrypted, then it fails', async () => {
    const caseId = randomUUID();
    const ct = await cipher.encryptForCase(caseId, 'secret');
    const parts = ct.split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0] = body[0]! ^ 0x80;
    parts[4] = body.toString('base64url');
    await expect(cipher.decryptForCase(caseId, parts.join('.'))).rejects.toThrow(DecryptionError);
  });

  it('given a wrapped key swapped onto another case row, when unwrapped, then it fails (the KMS binds the case id)', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    await cipher.encryptForCase(a, 'x');
    const ctB = await cipher.encryptForCase(b, 'y');
    await pool.query(
      'UPDATE case_data_keys SET wrapped_key = (SELECT wrapped_key FROM case_data_keys WHERE case_id = $1) WHERE case_id = $2',
      [a, b],
    );
    const cold = new CaseCipher({ pool, kms });
    await expect(cold.decryptForCase(b, ctB)).rejects.toThrow(DecryptionError);
    await pool.query('DELETE FROM case_data_keys WHERE case_id = $1', [b]);
  });

  it('given a destroyed case key, then decryption fails with PersonalDataErasedError and the table holds no key', async () => {
    const caseId = randomUUID();
    const ct = await cipher.encryptForCase(caseId, 'Ana Núñez, born 1990-04-01');
    const wrapped = (await rawRow(caseId))!.wrapped_key as Buffer;

    expect(await cipher.destroyCaseKey(caseId)).toBe(true);
    expect(await cipher.destroyCaseKey(caseId)).toBe(false); // idempotent

    const error = await cipher.decryptForCase(caseId, ct).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PersonalDataErasedError);
    expect((error as PersonalDataErasedError).message).not.toMatch(/Ana|1990/);
    // Nor from a process that never saw the key, nor for new data.
    await expect(new CaseCipher({ pool, kms }).decryptForCase(caseId, ct)).rejects.toThrow(
      PersonalDataErasedError,
    );
    await expect(cipher.encryptForCase(caseId, 'new data')).rejects.toThrow(
      PersonalDataErasedError,
    );

    const row = await rawRow(caseId);
    expect(row).toMatchObject({ wrapped_key: null, master_key_id: null, master_key_version: null });
    expect(row!.destroyed_at).toBeInstanceOf(Date);
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n FROM case_data_keys WHERE position($1::bytea IN coalesce(wrapped_key, ''::bytea)) > 0`,
      [wrapped],
    );
    expect(rows[0].n).toBe(0);
  });

  it('given a key destroyed by another process, when this process listens, then its cached key is dropped at once', async () => {
    const caseId = randomUUID();
    const listening = new CaseCipher({ pool, kms, cacheTtlMs: 3_600_000 });
    await listening.listenForDestroyedKeys();
    try {
      const ct = await listening.encryptForCase(caseId, 'cached');
      expect(await listening.decryptForCase(caseId, ct)).toBe('cached');
      const otherPool = new Pool({ connectionString: db.url, max: 1 });
      await new CaseCipher({ pool: otherPool, kms }).destroyCaseKey(caseId);
      await otherPool.end();
      let outcome: unknown;
      for (let i = 0; i < 200; i++) {
        outcome = await listening.decryptForCase(caseId, ct).catch((e: unknown) => e);
        if (outcome instanceof PersonalDataErasedError) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(outcome).toBeInstanceOf(PersonalDataErasedError);
    } finally {
      await listening.close();
    }
  });

  it('given two processes creating the same case key concurrently, then both end with one key', async () => {
    const pools = [
      new Pool({ connectionString: db.url, max: 2 }),
      new Pool({ connectionString: db.url, max: 2 }),
    ];
    try {
      for (let round = 0; round < 10; round++) {
        const caseId = randomUUID();
        const ciphers = pools.map((p) => new CaseCipher({ pool: p, kms }));
        const cts = await Promise.all(
          ciphers.flatMap((c, i) => [
            c.encryptForCase(caseId, `p${i}a`),
            c.encryptForCase(caseId, `p${i}b`),
          ]),
        );
        // Every process decrypts every other's ciphertexts, cold and warm.
        for (const c of [...ciphers, new CaseCipher({ pool, kms })]) {
          expect(await Promise.all(cts.map((ct) => c.decryptForCase(caseId, ct)))).toEqual([
            'p0a',
            'p0b',
            'p1a',
            'p1b',
          ]);
        }
        const { rows } = await pool.query(
          'SELECT count(*)::int AS n FROM case_data_keys WHERE case_id = $1',
          [caseId],
        );
        expect(rows[0].n).toBe(1);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('given a master key rotation, then every data key is re-wrapped under the new version and old ciphertexts still decrypt', async () => {
    const cases = Array.from({ length: 25 }, () => randomUUID());
    const cts = await Promise.all(
      cases.map((id) => cipher.encryptForCase(id, `data of ${id.slice(0, 4)}`)),
    );
    const erased = randomUUID();
    await cipher.encryptForCase(erased, 'to be erased');
    await cipher.destroyCaseKey(erased);
    const corrupt = randomUUID();
    await cipher.encryptForCase(corrupt, 'its wrapped key gets damaged');
    await pool.query(
      "UPDATE case_data_keys SET wrapped_key = overlay(wrapped_key placing '\\x00'::bytea from 20) WHERE case_id = $1",
      [corrupt],
    );
    const before = await pool.query(
      'SELECT case_id, wrapped_key FROM case_data_keys WHERE case_id = ANY($1)',
      [cases],
    );

    const report = await cipher.rotateMasterKey({ newVersion: true, batchSize: 7 });
    expect(report.keyVersion).toBe(2);
    expect(report.rewrapped).toBeGreaterThanOrEqual(cases.length);
    expect(report.failed).toEqual([corrupt]); // reported, not fatal, left untouched
    expect(await cipher.masterKeyUsage()).toEqual([
      { keyId: 'local', keyVersion: 1, count: 1 },
      { keyId: 'local', keyVersion: 2, count: expect.any(Number) },
    ]);
    await pool.query('DELETE FROM case_data_keys WHERE case_id = $1', [corrupt]);

    const after = await pool.query(
      'SELECT case_id, wrapped_key, master_key_version FROM case_data_keys WHERE case_id = ANY($1)',
      [cases],
    );
    for (const row of after.rows) {
      expect(row.master_key_version).toBe(2);
      const old = before.rows.find((r) => r.case_id === row.case_id)!;
      expect((row.wrapped_key as Buffer).equals(old.wrapped_key as Buffer)).toBe(false);
    }
    // The tombstone stayed a tombstone.
    expect(await rawRow(erased)).toMatchObject({ wrapped_key: null, master_key_version: null });

    // A process that only has version 2 of the master key decrypts the old ciphertexts.
    const v2 = await LocalKeyManagementService.load({ dataDir });
    expect(v2.keyVersions()).toEqual([1, 2]);
    const onlyV2 = LocalKeyManagementService.fromKeys(
      new Map([[2, await masterKeyFile(dataDir, 'master.v2.key')]]),
    );
    const fresh = new CaseCipher({ pool, kms: onlyV2 });
    expect(await Promise.all(cases.map((id, i) => fresh.decryptForCase(id, cts[i]!)))).toEqual(
      cases.map((id) => `data of ${id.slice(0, 4)}`),
    );
    // Running it again has nothing left to do.
    expect((await cipher.rotateMasterKey()).rewrapped).toBe(0);
  });

  it('refuses a case id that is not a uuid, so no personal data can become a key row id', async () => {
    await expect(cipher.encryptForCase('ana.nunez@example.org', 'x')).rejects.toThrow(TypeError);
  });

  it('with REMEDY_MASTER_KEY given, uses it and creates no key file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'remedy-crypto-env-'));
    try {
      const k1 = randomBytes(32).toString('base64');
      const k2 = randomBytes(32).toString('base64');
      const single = await LocalKeyManagementService.load({ dataDir: dir, masterKey: k1 });
      expect(single.keyVersions()).toEqual([1]);
      const ring = await LocalKeyManagementService.load({
        dataDir: dir,
        masterKey: `1:${k1}, 2:${k2}`,
      });
      expect(await ring.currentKeyVersion()).toBe(2);
      const caseId = randomUUID();
      const wrapped = await single.wrapKey(randomBytes(32), { caseId });
      expect((await ring.unwrapKey(wrapped, { caseId })).length).toBe(32);
      await expect(ring.createKeyVersion()).rejects.toThrow(/REMEDY_MASTER_KEY/);
      await expect(
        LocalKeyManagementService.load({ dataDir: dir, masterKey: 'short' }),
      ).rejects.toThrow(/32 bytes/);
      await expect(readdir(dir)).resolves.toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

async function masterKeyFile(dataDir: string, name: string): Promise<Buffer> {
  return Buffer.from((await readFile(join(dataDir, 'keys', name), 'utf8')).trim(), 'base64');
}

describe('openPersonalDataCrypto (default wiring for a process)', () => {
  it('loads keys, encrypts, indexes, and hears about keys destroyed elsewhere', async () => {
    const db = await createTestDatabase();
    const pool = new Pool({ connectionString: db.url, max: 3 });
    const dataDir = await mkdtemp(join(tmpdir(), 'remedy-crypto-open-'));
    const crypto = await openPersonalDataCrypto({ pool, ...cryptoEnvironment(dataDir, {}) });
    try {
      const caseId = randomUUID();
      const ct = await crypto.cipher.encryptForCase(caseId, 'Ana');
      expect(await crypto.cipher.decryptForCase(caseId, ct)).toBe('Ana');
      expect(
        crypto.blindIndexer.index({
          organisationId: randomUUID(),
          name: 'Ana',
          birthDate: '2000-01-01',
        }),
      ).toMatch(/^bi1\./);
      const other = await openPersonalDataCrypto({ pool, dataDir, listen: false });
      await other.cipher.destroyCaseKey(caseId);
      let outcome: unknown;
      for (let i = 0; i < 200 && !(outcome instanceof PersonalDataErasedError); i++) {
        outcome = await crypto.cipher.decryptForCase(caseId, ct).catch((e: unknown) => e);
        if (!(outcome instanceof PersonalDataErasedError))
          await new Promise((r) => setTimeout(r, 10));
      }
      expect(outcome).toBeInstanceOf(PersonalDataErasedError);
    } finally {
      await crypto.close();
      await pool.end();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
