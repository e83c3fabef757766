/**
 * Errors of the personal-data crypto. Their messages never carry personal data or key
 * material: at most an opaque case id, which is a reference, not personal data.
 */

/** The case's data key was destroyed (crypto-shredding): its personal data is gone for good. */
export class PersonalDataErasedError extends Error {
  override readonly name = 'PersonalDataErasedError';
  readonly code = 'PERSONAL_DATA_ERASED';
  constructor(readonly caseId: string) {
    super('The personal data of this case has been erased');
  }
}

/**
 * A ciphertext could not be decrypted: malformed, tampered with, or bound to another case
 * (the case id is authenticated as associated data).
 */
export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
  readonly code = 'DECRYPTION_FAILED';
  constructor(
    readonly reason: 'malformed' | 'unsupported_version' | 'authentication_failed' | 'no_data_key',
  ) {
    super(`Ciphertext could not be decrypted (${reason})`);
  }
}

/** Key material is missing, malformed, or stored with unsafe permissions. */
export class KeyMaterialError extends Error {
  override readonly name = 'KeyMaterialError';
  readonly code = 'KEY_MATERIAL';
}
