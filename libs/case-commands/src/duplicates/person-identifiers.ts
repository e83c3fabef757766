import { isErased, type CaseEvent, type CaseState } from '@remedy/case-domain';
import type { PersonIdentifiers as MatchIdentifiers } from '@remedy/person-matching';

/**
 * The person's identifying facts as the case knows them now, for matching (issue 19): folded from
 * the case's history with its personal parts opened (names, aliases and the birth date are
 * personal; sex/gender, citizenships and an age estimate are readable facts). In memory only: the
 * command side and the backfill turn it into keyed tokens at once; it is never stored or logged.
 */
export function personToMatch(
  history: readonly CaseEvent[],
  state: Pick<CaseState, 'age'>,
): MatchIdentifiers | undefined {
  let person: {
    fullName?: string;
    aliases?: readonly string[];
    birthDate?: string;
    sex?: string;
    citizenships?: readonly string[];
  } = {};
  let opened = false;
  for (const event of history) {
    switch (event.type) {
      case 'CaseOpened': {
        opened = true;
        const { personal, profile } = event.data;
        person = {
          sex: profile.sexGender,
          citizenships: profile.citizenships,
          ...(isErased(personal)
            ? {}
            : {
                fullName: personal.fullName,
                aliases: personal.aliases,
                birthDate: personal.birthDate,
              }),
        };
        break;
      }
      case 'FactCorrected': {
        const { correction } = event.data;
        if (correction.fact === 'sexGender') person = { ...person, sex: correction.value };
        if (correction.fact === 'citizenships')
          person = { ...person, citizenships: correction.value };
        break;
      }
      case 'PersonalDataErased':
        return undefined;
      default:
        break;
    }
  }
  if (!opened) return undefined;
  // The birth date and the age estimate as the decider holds them (opening, age verification,
  // corrections of the birth date or of the estimate).
  const { birthDate, birthYear } = state.age;
  const estimatedBirthYear = birthDate === undefined ? birthYear : undefined;
  return {
    ...(person.fullName ? { fullName: person.fullName } : {}),
    ...(person.aliases?.length ? { aliases: person.aliases } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(estimatedBirthYear !== undefined ? { estimatedBirthYear } : {}),
    ...(person.citizenships?.length ? { citizenships: person.citizenships } : {}),
    ...(person.sex ? { sex: person.sex } : {}),
  };
}
