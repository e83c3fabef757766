/**
 * The demo's built-in, entirely fictional material: organisations, obviously made-up names, and
 * a small deterministic random generator (the same seed plans the same data set on every run,
 * so a re-run sends the same requests with the same Idempotency-Keys and appends nothing).
 */
import type { AssistanceType, OrganisationType, SexGender } from '@remedy/case-domain';
import type { Role } from '@remedy/auth';

export interface DemoOrganisation {
  readonly key: 'holder1' | 'holder2' | 'shelter' | 'counselling' | 'legal' | 'rapporteur';
  readonly name: string;
  readonly type: OrganisationType;
  readonly services: readonly AssistanceType[];
  readonly country: 'AT' | 'DE';
  readonly code: string;
  /** Opens and holds cases. */
  readonly holdsCases: boolean;
  readonly roles: readonly Role[];
}

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    key: 'holder1',
    name: 'Lighthouse Outreach (fictional NGO)',
    type: 'NGO',
    services: [
      'Accommodation',
      'Psychological',
      'LegalCounselling',
      'InterpretationTranslation',
      'SocialCare',
    ],
    country: 'AT',
    code: 'DLHO',
    holdsCases: true,
    roles: ['caseworker', 'supervisor'],
  },
  {
    key: 'holder2',
    name: 'Open Door Network (fictional NGO)',
    type: 'NGO',
    services: ['MaterialOrFinancial', 'EmploymentSupport', 'VocationalTraining', 'SocialCare'],
    country: 'DE',
    code: 'DODN',
    holdsCases: true,
    roles: ['caseworker', 'supervisor'],
  },
  {
    key: 'shelter',
    name: 'Bluebell House Shelter (fictional)',
    type: 'NGO',
    services: ['Accommodation', 'MedicalEmergency', 'EducationForChildren', 'SocialCare'],
    country: 'AT',
    code: 'DBBH',
    holdsCases: true,
    roles: ['caseworker', 'supervisor'],
  },
  {
    key: 'counselling',
    name: 'Meadowlark Counselling Service (fictional)',
    type: 'HealthServiceOrganisation',
    services: ['Psychological', 'MedicalOngoing'],
    country: 'AT',
    code: 'DMLC',
    holdsCases: false,
    roles: ['caseworker', 'supervisor'],
  },
  {
    key: 'legal',
    name: 'Fairway Legal Aid (fictional)',
    type: 'LegalService',
    services: ['LegalCounselling', 'LegalRepresentation', 'SupportInProceedings'],
    country: 'AT',
    code: 'DFLA',
    holdsCases: false,
    roles: ['legal_aid'],
  },
  {
    key: 'rapporteur',
    name: 'Office of the National Rapporteur (fictional)',
    type: 'CentralGovernmentOrganisation',
    services: [],
    country: 'AT',
    code: 'DNRO',
    holdsCases: false,
    roles: ['rapporteur', 'admin'],
  },
];

/** Given names that are words, not names anyone is likely to carry. */
export const GIVEN_NAMES = [
  'Amberleaf',
  'Birchwhistle',
  'Cloverdew',
  'Duneberry',
  'Emberfinch',
  'Fernquill',
  'Galewind',
  'Hazelmoon',
  'Indigoreed',
  'Juniperbell',
  'Kestrelstone',
  'Larkspur',
  'Mossbloom',
  'Novaflint',
  'Onyxwillow',
  'Pipkin',
  'Quillfeather',
  'Reedsong',
  'Sageleaf',
  'Tansybrook',
  'Umberlight',
  'Valewind',
  'Wrenwhistle',
  'Yarrowmist',
  'Zephyrine',
] as const;

/** Surnames that say they are made up. */
export const FAMILY_NAMES = [
  'Sampleton',
  'Exampleworth',
  'Placeholder',
  'Mockingford',
  'Fictitious',
  'Demoulin-Test',
  'Testwood',
  'Dummington',
  'Pretendly',
  'Madeupson',
  'Notreal',
  'Inventova',
] as const;

export const SEX_GENDER_MIX: readonly [SexGender, number][] = [
  ['Feminine', 0.42],
  ['Masculine', 0.4],
  ['TransgenderFeminine', 0.04],
  ['TransgenderMasculine', 0.03],
  ['NonConforming', 0.05],
  ['NonSpecifiedUnknown', 0.06],
];

/** Citizenship with a language spoken there (ISO 3166-1 alpha-2, ISO 639-1). */
export const ORIGINS: readonly { citizenship: string; language: string }[] = [
  { citizenship: 'UA', language: 'uk' },
  { citizenship: 'NG', language: 'en' },
  { citizenship: 'VN', language: 'vi' },
  { citizenship: 'RO', language: 'ro' },
  { citizenship: 'AF', language: 'fa' },
  { citizenship: 'SY', language: 'ar' },
  { citizenship: 'BR', language: 'pt' },
  { citizenship: 'MD', language: 'ro' },
  { citizenship: 'ER', language: 'ti' },
  { citizenship: 'CN', language: 'zh' },
  { citizenship: 'STATELESS', language: 'ar' },
];

export const NOTE_TEXTS = [
  'Fictional demo note: first meeting held with an interpreter; next appointment agreed.',
  'Fictional demo note: accompanied to the health centre; follow-up booked.',
  'Fictional demo note: asked for information about residence options; leaflet given.',
  'Fictional demo note: phone check-in, feeling safer at the shelter.',
  'Fictional demo note: discussed options for vocational training.',
] as const;

/** mulberry32: a tiny deterministic PRNG (the demo's plan must be the same on every run). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let r = this.next() * items.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1]![0];
  }
}
