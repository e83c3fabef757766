/**
 * Sex/gender: HTCDS `prs_Gender`, every value accepted (rule 8). No rule of the domain reads it: no path
 * assumes a woman or a girl.
 */
export const SEX_GENDER = [
  'Feminine',
  'Masculine',
  'TransgenderFeminine',
  'TransgenderMasculine',
  'NonConforming',
  'NonSpecifiedUnknown',
] as const;
export type SexGender = (typeof SEX_GENDER)[number];

/** Coarse age groups for statistics: child (0-17) / adult (18+). */
export const AGE_CATEGORIES = ['child', 'adult'] as const;
export type AgeCategory = (typeof AGE_CATEGORIES)[number];

/** Finer age brackets for statistics, computed at identification and never published as a date. */
export const AGE_BRACKETS = ['0-11', '12-17', '18-24', '25-34', '35-44', '45-59', '60+'] as const;
export type AgeBracket = (typeof AGE_BRACKETS)[number];
