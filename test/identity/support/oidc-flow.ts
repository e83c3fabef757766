import * as client from 'openid-client';

/**
 * A browser stand-in for the Authorization Code flow with PKCE: follows the provider's redirects
 * with a cookie jar (name → value, paths ignored), stopping at the client's redirect URI.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = /expires=Thu, 01 Jan 1970/i.test(line);
      if (value === '' || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

/** The relying party's configuration from the provider's discovery document (plain HTTP allowed: tests). */
export function discover(issuer: string, clientId: string): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

/**
 * Runs the flow as the console does: authorisation request with PKCE (S256), the provider's
 * redirects (the test's interaction route logs in whoever the test chose), then the code
 * exchanged at the token endpoint by openid-client.
 */
export async function codeFlow(
  config: client.Configuration,
  redirectUri: string,
  jar: CookieJar = new CookieJar(),
): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  let url = client
    .buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    })
    .toString();
  for (let hops = 0; !url.startsWith(redirectUri); hops++) {
    if (hops > 10) throw new Error('too many redirects');
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location)
      throw new Error(
        `the flow stopped at ${new URL(url).pathname}: ${response.status} ${await response.text()}`,
      );
    url = new URL(location, url).toString();
  }
  return client.authorizationCodeGrant(config, new URL(url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
  });
}
