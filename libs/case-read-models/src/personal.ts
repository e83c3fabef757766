import { isErased } from '@remedy/case-domain';
import { PersonalDataErasedError } from '@remedy/crypto';

/**
 * DECISION (personal data in the read models): read models hold personal fields only as the
 * event's ciphertext, never in clear. The command side seals `data.personal` of every event with
 * the case's data key before it appends (CaseCipher.encryptJsonForCase) and stores it as
 * `{ sealed: '<ciphertext>' }`; the projections copy that ciphertext as it is. The API decrypts
 * it with CaseCipher only for callers of the organisation holding the case. After erasure the
 * case's data key is shredded: the ciphertext can no longer be read, and the projections also
 * drop it when they apply `PersonalDataErased`, so the fields read as `{ erased: true }`.
 * Coarse facts (code-list values, years, age groups, dates of decisions) are stored readable.
 */
export interface SealedPersonal {
  readonly sealed: string;
}

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

/** What the API answers for a personal field: the decrypted value, or that it was erased. */
export type PersonalView<T = unknown> = { readonly erased: true } | { readonly erased: false; readonly value: T };

export const ERASED_VIEW = Object.freeze({ erased: true as const });

/** The decrypting part of CaseCipher (a structural type, so tests and callers can pass a fake). */
export interface PersonalDecrypter {
  decryptJsonForCase<T = unknown>(caseId: string, ciphertext: string): Promise<T>;
}

/** Decrypts one sealed personal field; a shredded key reads as erased. Other failures throw. */
export async function openPersonal<T = unknown>(
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
