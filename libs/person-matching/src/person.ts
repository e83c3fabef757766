/** What a case holds that identifies its person (decrypted on the command side / worker only). */
export interface PersonIdentifiers {
  readonly fullName?: string;
  readonly aliases?: readonly string[];
  /** YYYY-MM-DD. */
  readonly birthDate?: string;
  /** When only an age estimate is known (no birth date). */
  readonly estimatedBirthYear?: number;
  /** ISO 3166-1 alpha-2. */
  readonly citizenships?: readonly string[];
  /** The case profile's sex/gender code. */
  readonly sex?: string;
}
