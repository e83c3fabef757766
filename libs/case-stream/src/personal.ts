import {
  ERASED,
  isErased,
  personalDataOf,
  withPersonalData,
  type CaseEvent,
  type ErasedPersonalData,
} from '@remedy/case-domain';
import { PersonalDataErasedError } from '@remedy/crypto';

/**
 * How an event's `data.personal` is stored (the contract between the command side and every
 * reader, the read models included):
 *
 *   data.personal = { "sealed": "<CaseCipher ciphertext of JSON.stringify(personal)>" }
 *
 * sealed with the case's data key (`CaseCipher.encryptJsonForCase(caseId, personal)`, envelope
 * encryption from @remedy/crypto, the case id authenticated as associated data). Events without a
 * `personal` sub-object are stored as they are. Nothing else of an event is ever encrypted, so
 * coarse facts stay readable for statistics. Read models copy the ciphertext as it is and open it
 * only in the API. Once the case's key is shredded (erasure) the ciphertext reads as erased.
 */
export interface SealedPersonal {
  readonly sealed: string;
}

export const isSealed = (value: unknown): value is SealedPersonal =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { sealed?: unknown }).sealed === 'string';

/** The ciphertext of an event's `data.personal`, or undefined when there is none (or it is erased). */
export function sealedCiphertextOf(personal: unknown): string | undefined {
  if (typeof personal === 'string') return personal; // tolerated: a bare ciphertext string
  if (personal && typeof personal === 'object') {
    const sealed = (personal as Partial<SealedPersonal>).sealed;
    if (typeof sealed === 'string') return sealed;
    if (isErased(personal as object)) return undefined;
  }
  return undefined;
}

/** The encrypting part of CaseCipher (structural, so tests and callers can pass a fake). */
export interface PersonalSealer {
  encryptJsonForCase(caseId: string, value: unknown): Promise<string>;
}

/** The decrypting part of CaseCipher (structural, so tests and callers can pass a fake). */
export interface PersonalDecrypter {
  decryptJsonForCase<T = unknown>(caseId: string, ciphertext: string): Promise<T>;
}

/** What the API answers for a personal field: the decrypted value, or that it was erased. */
export type PersonalView<T = unknown> =
  { readonly erased: true } | { readonly erased: false; readonly value: T };

export const ERASED_VIEW = Object.freeze({ erased: true as const });

/** Seals one personal part with the case's data key. */
export async function sealPersonal(
  cipher: PersonalSealer,
  caseId: string,
  personal: unknown,
): Promise<SealedPersonal> {
  return { sealed: await cipher.encryptJsonForCase(caseId, personal) };
}

/** Opens one sealed personal part; a shredded key reads as erased. Other failures throw. */
export async function openPersonalView<T = unknown>(
  cipher: PersonalDecrypter,
  caseId: string,
  ciphertext: string | null | undefined,
): Promise<PersonalView<T> | undefined> {
  if (ciphertext === null || ciphertext === undefined) return undefined;
  try {
    return { erased: false, value: await cipher.decryptJsonForCase<T>(caseId, ciphertext) };
  } catch (err) {
    if (err instanceof PersonalDataErasedError) return ERASED_VIEW;
    throw err;
  }
}

/**
 * A stored `personal` value as the domain reads it: the clear object, or `ERASED` when the case's
 * key was shredded (a value that is not sealed is returned as it is).
 */
export async function openPersonal<T = unknown>(
  cipher: PersonalDecrypter,
  caseId: string,
  personal: unknown,
): Promise<T | ErasedPersonalData> {
  if (!isSealed(personal)) return personal as T;
  const view = (await openPersonalView<T>(cipher, caseId, personal.sealed))!;
  return view.erased ? ERASED : view.value;
}

/** Seals one event's `data.personal` (no-op for events without one, or already sealed/erased). */
export async function sealEvent<E extends CaseEvent>(
  cipher: PersonalSealer,
  caseId: string,
  event: E,
): Promise<E> {
  const personal = personalDataOf(event);
  if (personal === undefined || isSealed(personal) || isErased(personal as object)) return event;
  return withPersonalData(event, await sealPersonal(cipher, caseId, personal));
}

/** The event with its `data.personal` opened (or `ERASED`). */
export async function openEvent<E extends CaseEvent>(
  cipher: PersonalDecrypter,
  caseId: string,
  event: E,
): Promise<E> {
  const personal = personalDataOf(event);
  if (personal === undefined) return event;
  return withPersonalData(event, await openPersonal(cipher, caseId, personal));
}
