import type { RemedyClient } from '@remedy/api-client';
import { ApiError } from '../api';

/**
 * A release document as the API signs it (`remedy.statistics.release/1`, libs/statistics
 * release.ts `ReleaseDocument`): the console reads its published cells only (never raw data).
 */
export interface ReleaseCell {
  /** One value per dimension; null: the total over that dimension. */
  readonly at: readonly (string | null)[];
  readonly value: number | null;
  readonly suppressed?: true | string;
}
export interface ReleaseDimension {
  readonly name: string;
  readonly values: readonly string[];
}
export interface ReleaseTable {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  readonly dimensions: readonly ReleaseDimension[];
  readonly cells: readonly ReleaseCell[];
}
export interface SumsCell {
  readonly at: readonly (string | null)[];
  readonly claims: number | null;
  /** Claimed as filed; absent from releases built before the claimed sums were published. */
  readonly claimed?: number | null;
  readonly awarded: number | null;
  readonly paid: number | null;
  readonly suppressed?: true | string;
}
export interface ReleaseDocument {
  readonly format: string;
  readonly releaseId: string;
  readonly period: { readonly year: number };
  readonly disclosureControl: {
    readonly mode: 'suppression' | 'rounding' | 'dp';
    readonly k: number;
    readonly roundingBase: number | null;
    readonly epsilon: number | null;
  };
  readonly tables: readonly ReleaseTable[];
  readonly compensationSums?: {
    readonly tables: readonly {
      readonly currency: string;
      readonly sumsPublishedIn?: string;
      readonly dimensions: readonly ReleaseDimension[];
      readonly cells: readonly SumsCell[];
    }[];
  };
}

export interface VerifiedRelease {
  readonly document: ReleaseDocument;
  /** The Ed25519 signature holds over the exact bytes received, with the published key. */
  readonly verified: boolean;
  /** SHA-256 of the bytes received (hex), and whether it equals the digest the API announced. */
  readonly digest: string;
  readonly digestMatches: boolean;
}

const bytesOfBase64 = (base64: string): Uint8Array<ArrayBuffer> => {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

const hex = (buffer: ArrayBuffer): string =>
  [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Checks a release's Ed25519 signature in the browser (WebCrypto, no hand-written crypto): the
 * API signs the UTF-8 bytes of the JSON body exactly as served (libs/statistics signing.ts), so
 * the bytes received are verified as they are, before any parsing, with the SPKI PEM of
 * GET /statistics/public-key. A malformed key or signature is "not verified", never an error.
 */
export async function verifyEd25519(
  body: ArrayBuffer,
  signatureBase64: string,
  publicKeyPem: string,
): Promise<boolean> {
  try {
    const der = bytesOfBase64(publicKeyPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''));
    const key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      bytesOfBase64(signatureBase64),
      body,
    );
  } catch {
    return false;
  }
}

/** Downloads a built release's JSON, verifies its signature and digest, then parses it. */
export async function loadRelease(api: RemedyClient, releaseId: string): Promise<VerifiedRelease> {
  const [answer, key] = await Promise.all([
    api.GET('/statistics/releases/{release}', {
      params: { path: { release: `${releaseId}.json` } },
      parseAs: 'arrayBuffer',
    }),
    api.GET('/statistics/public-key', { parseAs: 'text' }),
  ]);
  if (!answer.response.ok || answer.data === undefined) throw new ApiError(answer.response.status);
  if (!key.response.ok || typeof key.data !== 'string') throw new ApiError(key.response.status);
  const body = answer.data as unknown as ArrayBuffer;
  const signature = answer.response.headers.get('x-signature-ed25519') ?? '';
  const announced = answer.response.headers.get('x-content-sha256') ?? '';
  const digest = hex(await crypto.subtle.digest('SHA-256', body));
  const verified = await verifyEd25519(body, signature, key.data);
  const document = JSON.parse(new TextDecoder().decode(body)) as ReleaseDocument;
  return { document, verified, digest, digestMatches: digest === announced.toLowerCase() };
}
