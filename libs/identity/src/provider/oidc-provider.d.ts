/**
 * The part of oidc-provider 9's API this project uses (the package ships no type declarations;
 * @types/oidc-provider is not a dependency). Kept to what libs/identity calls.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa's context with oidc-provider's `oidc` part (what configuration functions receive). */
  export interface KoaContextWithOIDC {
    oidc: {
      readonly route?: string;
      readonly client?: { readonly clientId: string };
      readonly session?: { readonly accountId?: string };
      readonly entities: Record<string, unknown>;
      readonly params?: Record<string, unknown>;
      readonly provider: Provider;
      readonly uid?: string;
      readonly result?: Record<string, unknown>;
    };
    body?: unknown;
    type?: string;
    status: number;
    host: string;
    get(header: string): string;
    set(header: string, value: string): void;
  }

  export interface InteractionDetails {
    readonly uid: string;
    readonly prompt: {
      readonly name: string;
      readonly reasons: readonly string[];
      readonly details: Record<string, unknown>;
    };
    readonly params: Record<string, unknown>;
    readonly session?: { readonly accountId?: string; readonly uid?: string };
    readonly lastSubmission?: Record<string, unknown>;
    readonly returnTo: string;
    readonly exp: number;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
    readonly jti?: string;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    proxy: boolean;
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: string, listener: (...args: any[]) => void): this;
    readonly Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
  }

  export const errors: {
    readonly InvalidGrant: new (description?: string) => Error;
    readonly AccessDenied: new (description?: string) => Error;
  };
}
