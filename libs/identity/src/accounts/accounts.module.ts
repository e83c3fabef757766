import {
  type DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { resilientPool } from '@remedy/database';
import { ACCOUNT_LOOKUP } from '@remedy/access-policy';
import { AuditTrail } from '@remedy/audit';
import { DEACTIVATED_ACCOUNTS, STAFF_NAMES } from '@remedy/auth';
import { REMEDY_CONFIG, type RemedyConfig } from '@remedy/config';
import { LocalKeyManagementService } from '@remedy/crypto';
import { AccountStore } from './account-store';
import { OrganisationUsersController, UsersController } from './accounts.controller';
import { AccountClaimsCache } from './claims-cache';
import { DeactivatedSet } from './deactivated-set';
import { IDENTITY_ACCOUNTS, SESSION_REVOKER, type SessionRevoker } from './ports';
import { SecretBox } from './secret-box';
import { ExternalStaffNames } from './staff-names';

export const ACCOUNTS_POOL = Symbol('remedy:identity:AccountsPool');

/** The command that creates the first platform administrator (printed, never a link). */
export const CREATE_ADMIN_COMMAND =
  'npm run cli -- users create-admin --login-name <login name> --display-name <display name> --country <ISO 3166-1 code>';

/**
 * Starts the deactivated set and the claims cache before the app serves; ends them and the pool
 * at shutdown.
 */
@Injectable()
class AccountsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Accounts');

  constructor(
    @Inject(DeactivatedSet) private readonly deactivated: DeactivatedSet,
    @Inject(AccountClaimsCache) private readonly claims: AccountClaimsCache,
    @Inject(AccountStore) private readonly accounts: AccountStore,
    @Inject(ACCOUNTS_POOL) private readonly pool: Pool,
    @Inject(REMEDY_CONFIG) private readonly config: RemedyConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.accounts.onDeactivationChange((userId, off) => this.deactivated.set(userId, off));
    this.accounts.onClaimsChange((userId) => this.claims.invalidate(userId));
    await this.deactivated.start();
    await this.claims.start();
  }

  /**
   * A fresh installation (the embedded provider on, no active platform administrator): says how
   * to create one. Only the command: the one-time link is printed by the CLI, once, to stdout.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.identity.embeddedIssuer) return;
    if (await this.accounts.hasActivePlatformAdministrator()) return;
    this.logger.warn(
      `No platform administrator can log in yet. Create the first one with: ${CREATE_ADMIN_COMMAND}`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deactivated.close();
    await this.claims.close();
    await this.pool.end();
  }
}

/**
 * The accounts of the embedded OpenID provider (issue 15): the AccountStore (IDENTITY_ACCOUNTS,
 * for the provider and its pages), the user administration routes, the access policy's
 * ACCOUNT_LOOKUP, and the deactivated accounts AuthGuard refuses (DEACTIVATED_ACCOUNTS, kept
 * current by LISTEN/NOTIFY), and with an external provider the `name` claim of its tokens
 * (STAFF_NAMES, for the dashboards' caseworker names), and the claims `GET /session` answers
 * (AccountClaimsCache, in memory, kept current by LISTEN/NOTIFY). A SESSION_REVOKER provided elsewhere in the app (the provider's) is
 * called on deactivation and second-factor reset. Global; import it once, in the root module.
 * Needs PlatformModule (REMEDY_CONFIG) and the migrations.
 */
@Module({})
export class AccountsModule {
  static forRoot(): DynamicModule {
    return {
      module: AccountsModule,
      global: true,
      controllers: [OrganisationUsersController, UsersController],
      providers: [
        {
          provide: ACCOUNTS_POOL,
          inject: [REMEDY_CONFIG],
          useFactory: (config: RemedyConfig) => {
            return resilientPool({ connectionString: config.databaseUrl, max: 5 });
          },
        },
        {
          provide: SecretBox,
          inject: [REMEDY_CONFIG],
          useFactory: async (config: RemedyConfig) =>
            new SecretBox(
              await LocalKeyManagementService.load({
                dataDir: config.dataDir,
                ...(process.env.REMEDY_MASTER_KEY
                  ? { masterKey: process.env.REMEDY_MASTER_KEY }
                  : {}),
              }),
            ),
        },
        {
          provide: AccountStore,
          inject: [
            ACCOUNTS_POOL,
            SecretBox,
            REMEDY_CONFIG,
            { token: SESSION_REVOKER, optional: true },
          ],
          useFactory: (
            pool: Pool,
            secrets: SecretBox,
            config: RemedyConfig,
            revoker: SessionRevoker | undefined,
          ) => createAccountStore({ pool, secrets, config, revoker }),
        },
        {
          provide: DeactivatedSet,
          inject: [ACCOUNTS_POOL, AccountStore],
          useFactory: (pool: Pool, accounts: AccountStore) =>
            new DeactivatedSet(pool, () => accounts.deactivatedUserIds()),
        },
        {
          provide: AccountClaimsCache,
          inject: [ACCOUNTS_POOL, AccountStore],
          useFactory: (pool: Pool, accounts: AccountStore) =>
            new AccountClaimsCache(pool, (userId) => accounts.claimsOf(userId)),
        },
        { provide: IDENTITY_ACCOUNTS, useExisting: AccountStore },
        { provide: ACCOUNT_LOOKUP, useExisting: AccountStore },
        { provide: DEACTIVATED_ACCOUNTS, useExisting: DeactivatedSet },
        // With an external provider: its tokens' `name` claim (null: the embedded provider's
        // accounts have their display names).
        {
          provide: STAFF_NAMES,
          inject: [ACCOUNTS_POOL, REMEDY_CONFIG],
          useFactory: (pool: Pool, config: RemedyConfig) =>
            config.oidc ? new ExternalStaffNames(pool, config.oidc.issuer) : null,
        },
        AccountsLifecycle,
      ],
      exports: [
        AccountStore,
        AccountClaimsCache,
        IDENTITY_ACCOUNTS,
        ACCOUNT_LOOKUP,
        DEACTIVATED_ACCOUNTS,
        STAFF_NAMES,
      ],
    };
  }
}

/** An AccountStore from the validated configuration (the API, the CLI). */
export function createAccountStore(options: {
  readonly pool: Pool;
  readonly secrets: SecretBox;
  readonly config: RemedyConfig;
  readonly revoker?: SessionRevoker | undefined;
  readonly now?: () => Date;
}): AccountStore {
  return new AccountStore({
    pool: options.pool,
    audit: new AuditTrail(options.pool),
    secrets: options.secrets,
    publicUrl: options.config.identity.publicUrl,
    lockout: {
      maxFailures: options.config.identity.loginMaxFailures,
      lockoutMinutes: options.config.identity.loginLockoutMinutes,
    },
    revoker: options.revoker,
    ...(options.now ? { now: options.now } : {}),
  });
}
