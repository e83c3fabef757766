import {
  ERASED,
  isErased,
  personalDataOf,
  withPersonalData,
  type CaseEvent,
  type ErasedPersonalData,
} from '@remedy/case-domain';
import { PersonalDataErasedError, type CaseCipher } from '@remedy/crypto';

/**
 * How `data.personal` is stored (the contract between the command side and every reader):
 *
 *   data.personal = { "sealed": "<CaseCipher ciphertext of JSON.stringify(personal)>" }
 *
 * sealed with the case's data key (`CaseCipher.encryptJsonForCase(caseId, personal)`, the case id
 * authenticated as associated data). Events without a `personal` sub-object are stored as they are.
 * Reading: `openPersonal` decrypts; once the case's key is shredded (erasure) it yields `ERASED`.
 * Nothing else of an event is ever encrypted, so coarse facts stay readable for statistics.
 */
export interface SealedPersonalData {
  readonly sealed: string;
}

export const isSealed = (value: unknown): value is SealedPersonalData =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { sealed?: unknown }).sealed === 'string';

/** Encrypts one event's `data.personal` (no-op for events without one, or already sealed/erased). */
export async function sealEvent<E extends CaseEvent>(
  cipher: CaseCipher,
  caseId: string,
  event: E,
): Promise<E> {
  const personal = personalDataOf(event);
  if (personal === undefined || isSealed(personal) || isErased(personal as object)) return event;
  const sealed: SealedPersonalData = { sealed: await cipher.encryptJsonForCase(caseId, personal) };
  return withPersonalData(event, sealed);
}

/** Decrypts a stored `personal` value: the clear object, or `ERASED` when the case's key was shredded. */
export async function openPersonal<T = unknown>(
  cipher: CaseCipher,
  caseId: string,
  personal: unknown,
): Promise<T | ErasedPersonalData> {
  if (!isSealed(personal)) return personal as T;
  try {
    return await cipher.decryptJsonForCase<T>(caseId, personal.sealed);
  } catch (error) {
    if (error instanceof PersonalDataErasedError) return ERASED;
    throw error;
  }
}

/** The event with its `data.personal` decrypted (or `ERASED`). */
export async function openEvent<E extends CaseEvent>(
  cipher: CaseCipher,
  caseId: string,
  event: E,
): Promise<E> {
  const personal = personalDataOf(event);
  if (personal === undefined) return event;
  return withPersonalData(event, await openPersonal(cipher, caseId, personal));
}

/** The same event with `ERASED` for its personal data, without decrypting (for access checks). */
export const withoutPersonal = <E extends CaseEvent>(event: E): E =>
  personalDataOf(event) === undefined ? event : withPersonalData(event, ERASED);
