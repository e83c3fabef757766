import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

interface Key {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface SignOptions {
  readonly kid?: string;
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds from now (negative: already expired). Default 300. */
  readonly expiresIn?: number;
  readonly typ?: string;
}

/**
 * A stand-in OpenID Connect provider for tests: a node:http server on 127.0.0.1 serving
 * `/realms/remedy/.well-known/openid-configuration` and the JWKS at
 * `/realms/remedy/protocol/openid-connect/certs` (Keycloak's paths), with key pairs generated here.
 * It can be stopped and started again on the same port (the identity provider going down).
 */
export class TestOidcProvider {
  private readonly keys = new Map<string, Key>();
  private readonly published = new Set<string>();
  private server: Server | undefined;
  /** Requests served, by path. */
  readonly hits = new Map<string, number>();

  private constructor(private port: number) {}

  static async start(): Promise<TestOidcProvider> {
    const provider = new TestOidcProvider(0);
    await provider.addKey();
    await provider.listen();
    return provider;
  }

  get issuer(): string {
    return `http://127.0.0.1:${this.port}/realms/remedy`;
  }

  get jwksUrl(): string {
    return `${this.issuer}/protocol/openid-connect/certs`;
  }

  /** Generates a key pair; published in the JWKS unless `publish` is false. Returns its kid. */
  async addKey(options: { publish?: boolean; alg?: 'RS256' | 'ES256' } = {}): Promise<string> {
    const alg = options.alg ?? 'RS256';
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    this.keys.set(kid, {
      kid,
      alg,
      privateKey,
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' },
    });
    if (options.publish ?? true) this.published.add(kid);
    return kid;
  }

  /** The first key added (published). */
  get defaultKid(): string {
    return this.keys.keys().next().value!;
  }

  async sign(claims: Record<string, unknown>, options: SignOptions = {}): Promise<string> {
    const key = this.keys.get(options.kid ?? this.defaultKid)!;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: options.typ ?? 'JWT' })
      .setIssuer(options.iss ?? this.issuer)
      .setAudience(options.aud ?? 'remedy-api')
      .setIssuedAt(now - 10)
      .setExpirationTime(now + (options.expiresIn ?? 300))
      .setJti(randomUUID())
      .sign(key.privateKey);
  }

  async listen(): Promise<void> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0]!;
      this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path === '/realms/remedy/.well-known/openid-configuration') {
        json(200, {
          issuer: this.issuer,
          jwks_uri: this.jwksUrl,
          authorization_endpoint: `${this.issuer}/protocol/openid-connect/auth`,
          token_endpoint: `${this.issuer}/protocol/openid-connect/token`,
          id_token_signing_alg_values_supported: ['RS256', 'ES256'],
        });
      } else if (path === '/realms/remedy/protocol/openid-connect/certs') {
        json(200, {
          keys: [...this.published].map((kid) => this.keys.get(kid)!.publicJwk),
        });
      } else json(404, { error: 'not found' });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Publishes a key that was kept back (key rotation). */
  publish(kid: string): void {
    this.published.add(kid);
  }

  /** Stops serving (connections refused); `listen()` starts again on the same port. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
