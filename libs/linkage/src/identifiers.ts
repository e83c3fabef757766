import { isErased, type CaseEvent } from '@remedy/case-domain';
import type { PersonIdentifiers } from '@remedy/person-matching';

/**
 * What identifies the person of a case for linkage, from its opened events (personal parts
 * decrypted): the opening's names, aliases and birth date (personal), and its readable profile
 * (sex/gender, citizenships, the birth year or the age estimate). Undefined once erased.
 */
export function personOf(history: readonly CaseEvent[]): PersonIdentifiers | undefined {
  const opened = history.find((e) => e.type === 'CaseOpened');
  if (!opened || opened.type !== 'CaseOpened') return undefined;
  const { personal, profile } = opened.data;
  if (isErased(personal)) return undefined;
  const estimatedBirthYear =
    profile.estimatedAge !== undefined && profile.estimatedAgeOn
      ? Number(profile.estimatedAgeOn.slice(0, 4)) - profile.estimatedAge
      : profile.birthYear;
  return {
    ...(personal.fullName ? { fullName: personal.fullName } : {}),
    ...(personal.aliases?.length ? { aliases: personal.aliases } : {}),
    ...(personal.birthDate ? { birthDate: personal.birthDate } : {}),
    ...(!personal.birthDate && estimatedBirthYear !== undefined ? { estimatedBirthYear } : {}),
    ...(profile.citizenships.length ? { citizenships: profile.citizenships } : {}),
    sex: profile.sexGender,
  };
}
