import {
  type DynamicModule,
  type InjectionToken,
  type ModuleMetadata,
  Module,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { TokenVerifier } from '../verifier';
import { AuthGuard, TOKEN_VERIFIER } from './auth.guard';

export interface AuthModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  /** Builds the verifier, e.g. `new IssuerVerifierList([await LocalTokenIssuer.load({ dataDir })])`. */
  readonly useFactory: (...args: never[]) => TokenVerifier | Promise<TokenVerifier>;
}

/**
 * Authentication for the HTTP app: a global AuthGuard (every route needs a bearer token
 * unless @Public()) backed by a TokenVerifier (the local issuer now; a list of issuers later).
 * Import it once, in the root module.
 */
@Module({})
export class AuthModule {
  static forRoot(options: { verifier: TokenVerifier }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: TOKEN_VERIFIER, useValue: options.verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TOKEN_VERIFIER],
    };
  }

  static forRootAsync(options: AuthModuleAsyncOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: TOKEN_VERIFIER, useFactory: options.useFactory, inject: options.inject ?? [] },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TOKEN_VERIFIER],
    };
  }
}
