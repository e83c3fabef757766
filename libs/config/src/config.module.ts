import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ConfigError, loadConfig, LoadConfigOptions, parseSettings, RemedyConfig } from './config';

/** Injection token for the typed configuration: `@Inject(REMEDY_CONFIG) config: RemedyConfig`. */
export const REMEDY_CONFIG = Symbol('REMEDY_CONFIG');

/**
 * The `validate` function for `ConfigModule.forRoot({ validate })`: returns the environment with
 * the Remedy settings typed (PORT as a number, ...), so `ConfigService.get('PORT')` is a number;
 * throws one ConfigError naming every problem.
 */
export function validateEnv(
  env: Record<string, unknown>,
  options: LoadConfigOptions = {},
): Record<string, unknown> {
  const strings: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(env))
    strings[k] = v === undefined || v === null ? undefined : String(v);
  const parsed = parseSettings(strings, options);
  if (!parsed.ok) throw new ConfigError(parsed.problems);
  return { ...env, ...parsed.settings };
}

/**
 * `RemedyConfigModule.forRoot()` in each app's root module: validates at start-up through
 * @nestjs/config (global), and provides the typed `RemedyConfig` under `REMEDY_CONFIG`.
 */
@Module({})
export class RemedyConfigModule {
  static forRoot(options: LoadConfigOptions = {}): DynamicModule {
    return {
      module: RemedyConfigModule,
      global: true,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          cache: true,
          validate: (env) => validateEnv(env, options),
        }),
      ],
      providers: [
        {
          provide: REMEDY_CONFIG,
          useFactory: (): RemedyConfig => loadConfig(process.env, options),
        },
      ],
      exports: [REMEDY_CONFIG, ConfigModule],
    };
  }
}
