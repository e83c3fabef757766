import { Pool } from 'pg';
import { Option, SubCommand } from 'nest-commander';
import { CaseCipher, KeyMaterialError, LocalKeyManagementService } from '@remedy/crypto';
import { keyDbOfPool, keyRetentionSeconds, OidcKeyStore } from '@remedy/identity';
import { rotateLinkageSecret } from '@remedy/linkage';
import { CliCommand, CliContext, CliUsageError, commandGroup } from '../cli-context';

async function withCipher<T>(
  cli: CliContext,
  work: (cipher: CaseCipher, kms: LocalKeyManagementService) => Promise<T>,
): Promise<T> {
  const masterKey = cli.env.REMEDY_MASTER_KEY;
  const kms = await LocalKeyManagementService.load({
    dataDir: cli.settings().dataDir,
    ...(masterKey ? { masterKey } : {}),
  });
  const pool = new Pool({ connectionString: await cli.databaseUrl(), max: 2 });
  try {
    return await work(new CaseCipher({ pool, kms }), kms);
  } finally {
    await pool.end();
  }
}

@SubCommand({
  name: 'rotate-master',
  description:
    'Create a new master key version (key files) and re-wrap every case data key under it; ' +
    'with REMEDY_MASTER_KEY, re-wrap under its highest version. Events and ciphertexts are not touched.',
})
export class KeysRotateMasterCommand extends CliCommand {
  @Option({
    flags: '--rewrap-only',
    description: 'do not create a new version; finish re-wrapping under the current one',
  })
  parseRewrapOnly(): boolean {
    return true;
  }

  async run(_args: string[], options: { rewrapOnly?: boolean } = {}): Promise<void> {
    await withCipher(this.cli, async (cipher) => {
      const fromEnv = Boolean(this.cli.env.REMEDY_MASTER_KEY);
      const report = await cipher.rotateMasterKey({ newVersion: !fromEnv && !options.rewrapOnly });
      this.cli.out(
        `master key ${report.keyId} v${report.keyVersion}: re-wrapped ${report.rewrapped} data keys`,
      );
      if (report.failed.length > 0) {
        process.exitCode = 1;
        this.cli.out(
          `${report.failed.length} data keys could not be unwrapped and were left as they were (case ids):`,
        );
        for (const id of report.failed) this.cli.out(`  ${id}`);
      }
      for (const usage of await cipher.masterKeyUsage()) {
        this.cli.info(`  ${usage.keyId} v${usage.keyVersion}: ${usage.count} data keys`);
      }
    });
  }
}

@SubCommand({
  name: 'retire-master',
  arguments: '<version>',
  description:
    'Delete an old master key version (key files) once no case data key is wrapped under it, ' +
    'so copies of wrapped keys in backups can no longer be unwrapped. Rotate first, and let running ' +
    'processes pick up the new version (they re-read key files every minute).',
})
export class KeysRetireMasterCommand extends CliCommand {
  async run([versionArg]: string[]): Promise<void> {
    const version = Number(versionArg);
    if (!Number.isInteger(version) || version < 1) {
      throw new CliUsageError('<version> must be a positive integer');
    }
    if (this.cli.env.REMEDY_MASTER_KEY) {
      throw new CliUsageError(
        'REMEDY_MASTER_KEY is set: remove the version from it and restart every process',
      );
    }
    await withCipher(this.cli, async (cipher, kms) => {
      if (version === (await kms.currentKeyVersion())) {
        throw new CliUsageError('the current master key version cannot be retired; rotate first');
      }
      // Catch data keys wrapped under an old version by a process that had not seen the rotation yet.
      const report = await cipher.rotateMasterKey();
      if (report.rewrapped > 0)
        this.cli.info(`re-wrapped ${report.rewrapped} more data keys first`);
      const stillUsed = (await cipher.masterKeyUsage()).find(
        (u) => u.keyId === kms.keyId && u.keyVersion === version,
      );
      if (stillUsed) {
        throw new CliUsageError(
          `master key v${version} still wraps ${stillUsed.count} data keys; not retired`,
        );
      }
      try {
        await kms.retireKeyVersion(version);
      } catch (error) {
        if (error instanceof KeyMaterialError) throw new CliUsageError(error.message);
        throw error;
      }
      this.cli.out(`master key ${kms.keyId} v${version} retired`);
    });
  }
}

@SubCommand({
  name: 'status',
  description: 'How many case data keys each master key version wraps',
})
export class KeysStatusCommand extends CliCommand {
  async run(): Promise<void> {
    await withCipher(this.cli, async (cipher, kms) => {
      this.cli.out(
        `current master key: ${kms.keyId} v${await kms.currentKeyVersion()} (available: ${kms.keyVersions().join(', ')})`,
      );
      for (const usage of await cipher.masterKeyUsage()) {
        this.cli.out(`${usage.keyId} v${usage.keyVersion}: ${usage.count} data keys`);
      }
    });
  }
}

@SubCommand({
  name: 'rotate-oidc',
  description:
    'Give the embedded OpenID provider a new signing key: new tokens are signed with it once each API ' +
    'instance has re-read its keys (within a minute); the previous key stays published until every ' +
    'token it signed has expired',
})
export class KeysRotateOidcCommand extends CliCommand {
  async run(): Promise<void> {
    const settings = this.cli.settings();
    const pool = new Pool({ connectionString: await this.cli.databaseUrl(), max: 2 });
    try {
      const retention = keyRetentionSeconds(settings.identity.accessTokenTtlSeconds);
      const store = new OidcKeyStore(keyDbOfPool(pool), retention);
      const { kid, retired } = await store.rotateSigningKey();
      this.cli.out(`embedded OpenID provider: new signing key ${kid}`);
      if (retired)
        this.cli.out(`previous key ${retired} stays published for ${retention} s, then is removed`);
      if (!settings.identity.embeddedIssuer)
        this.cli.info('OIDC_ISSUER is set: the embedded provider is off in this configuration');
    } finally {
      await pool.end();
    }
  }
}

@SubCommand({
  name: 'rotate-linkage-secret',
  description:
    'Create the next version of the secret the organisations share for record linkage (key files ' +
    '`keys/linkage-secret.<n>.key`). The worker picks it up within a minute and re-encodes every ' +
    'case; the linkage unit then links the new encodings. With LINKAGE_SECRET, append `<n>:<base64>` instead.',
})
export class KeysRotateLinkageSecretCommand extends CliCommand {
  async run(): Promise<void> {
    if (this.cli.env.LINKAGE_SECRET) {
      throw new CliUsageError(
        'LINKAGE_SECRET is set: append the next version (`<n>:<base64>`) to it and restart the worker',
      );
    }
    const secret = await rotateLinkageSecret(this.cli.settings().dataDir);
    this.cli.out(`linkage secret v${secret.version} created; every case will be re-encoded`);
  }
}

export const KeysCommand = commandGroup({
  name: 'keys',
  description: "Personal-data encryption keys, and the embedded OpenID provider's signing key",
  subCommands: [
    KeysRotateMasterCommand,
    KeysRetireMasterCommand,
    KeysStatusCommand,
    KeysRotateOidcCommand,
    KeysRotateLinkageSecretCommand,
  ],
});
