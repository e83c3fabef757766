import { createHash, randomUUID } from 'node:crypto';

/** RFC 4122 name-based uuid, version 5 (SHA-1), in a namespace of its own. */
const NAMESPACE = Buffer.from('6f1c3b1e8a2d4c7b9e5f0a1b2c3d4e5f', 'hex');

export function uuidV5(name: string, namespace: Buffer = NAMESPACE): string {
  const hash = createHash('sha1').update(namespace).update(name, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface IdScope {
  readonly userId: string;
  readonly route: string;
  readonly idempotencyKey?: string;
}

/**
 * Ids that must be the same when a request is retried with the same Idempotency-Key (event ids,
 * the id of a new case, the command id): uuid v5 of user + route + key + purpose; random without
 * a key. So a retry that reaches the store appends nothing new (event ids are unique there).
 */
export function scopedId(scope: IdScope, purpose: string): string {
  if (scope.idempotencyKey === undefined) return randomUUID();
  return uuidV5([scope.userId, scope.route, scope.idempotencyKey, purpose].join('\n'));
}

export const sha256 = (text: string): string =>
  createHash('sha256').update(text, 'utf8').digest('hex');
