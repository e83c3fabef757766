import {
  ACTOR_ROLES,
  AGE_BRACKETS,
  AGE_CATEGORIES,
  AGE_VERIFICATION_METHODS,
  ASSISTANCE_TYPES,
  BEST_INTERESTS_DECISIONS,
  BEST_INTERESTS_OUTCOMES,
  CLAIM_APPELLANTS,
  CLAIM_CLOSURE_OUTCOMES,
  CLAIM_DECISION_OUTCOMES,
  CLAIM_INSTANCES,
  CLAIM_RESPONDENT_KINDS,
  CLAIM_STATUSES,
  CLOSURE_REASONS,
  DUPLICATE_DECISIONS,
  CONSENT_PURPOSES,
  COUNTRY_CODES,
  CURRENCY_CODES,
  DAMAGE_HEADS,
  DECIDING_BODIES,
  FORMS_OF_EXPLOITATION,
  GUARDIAN_KINDS,
  HTCDS_SUPPORT_PLAN_TYPES,
  LANGUAGE_CODES,
  LAW_ENFORCEMENT_COOPERATION,
  MEANS_OF_CONTROL,
  minorUnitExponent,
  NON_PUNISHMENT_RESOLUTIONS,
  ORGANISATION_TYPES,
  REFERRAL_SOURCES,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  REVOCATION_CAUSES,
  RULE_IDS,
  SECTORS,
  SEX_GENDER,
  SHARING_PURPOSES,
  VICTIM_STATUSES,
  type RuleId,
} from '@remedy/case-domain';
import { APPLICATION_RULE_IDS, type ApplicationRule } from '@remedy/case-commands';
import type { RuleTitles } from '@remedy/http';
import { CATALOGUES, FALLBACK_LANGUAGE, type LabelLanguage, type ReviewStatus } from './catalogue';
import { chooseLanguage } from './language';

/** Where a list's labels come from: ICU's display names (CLDR), or the message catalogue. */
export type LabelSource = 'icu' | 'catalogue';

interface CodeListDefinition {
  /** The domain's list: the codes, in the domain's order (@remedy/case-domain is their source). */
  readonly codes: readonly string[];
  /** Names from ICU (`Intl.DisplayNames`); the catalogue fills only the codes ICU does not name. */
  readonly icu?: 'region' | 'language' | 'currency';
  /**
   * Currencies: each code's ISO 4217 minor-unit digits, from the domain's table (the one the API
   * checks money against), for clients to enter and show amounts with (Intl's differ for some).
   */
  readonly digits?: (code: never) => number;
}

/**
 * Every code list of the domain, by the name the API serves it under. The codes are the domain's
 * (never copied here); the completeness test checks that every list @remedy/case-domain exports
 * is here and has a label in each of the six languages.
 */
export const CODE_LISTS = {
  countries: { codes: COUNTRY_CODES, icu: 'region' },
  languages: { codes: LANGUAGE_CODES, icu: 'language' },
  currencies: { codes: CURRENCY_CODES, icu: 'currency', digits: minorUnitExponent },
  'forms-of-exploitation': { codes: FORMS_OF_EXPLOITATION },
  sectors: { codes: SECTORS },
  'means-of-control': { codes: MEANS_OF_CONTROL },
  'assistance-types': { codes: ASSISTANCE_TYPES },
  'htcds-support-plan-types': { codes: HTCDS_SUPPORT_PLAN_TYPES },
  'organisation-types': { codes: ORGANISATION_TYPES },
  'referral-sources': { codes: REFERRAL_SOURCES },
  'sex-gender': { codes: SEX_GENDER },
  'age-categories': { codes: AGE_CATEGORIES },
  'age-brackets': { codes: AGE_BRACKETS },
  'victim-statuses': { codes: VICTIM_STATUSES },
  'deciding-bodies': { codes: DECIDING_BODIES },
  'remedy-types': { codes: REMEDY_TYPES },
  'remedy-avenues': { codes: REMEDY_AVENUES },
  'claim-respondent-kinds': { codes: CLAIM_RESPONDENT_KINDS },
  'damage-heads': { codes: DAMAGE_HEADS },
  'claim-decision-outcomes': { codes: CLAIM_DECISION_OUTCOMES },
  'claim-instances': { codes: CLAIM_INSTANCES },
  'claim-appellants': { codes: CLAIM_APPELLANTS },
  'claim-closure-outcomes': { codes: CLAIM_CLOSURE_OUTCOMES },
  'claim-statuses': { codes: CLAIM_STATUSES },
  'best-interests-decisions': { codes: BEST_INTERESTS_DECISIONS },
  'best-interests-outcomes': { codes: BEST_INTERESTS_OUTCOMES },
  'guardian-kinds': { codes: GUARDIAN_KINDS },
  'closure-reasons': { codes: CLOSURE_REASONS },
  'duplicate-decisions': { codes: DUPLICATE_DECISIONS },
  'actor-roles': { codes: ACTOR_ROLES },
  'consent-purposes': { codes: CONSENT_PURPOSES },
  'sharing-purposes': { codes: SHARING_PURPOSES },
  'law-enforcement-cooperation': { codes: LAW_ENFORCEMENT_COOPERATION },
  'age-verification-methods': { codes: AGE_VERIFICATION_METHODS },
  'non-punishment-resolutions': { codes: NON_PUNISHMENT_RESOLUTIONS },
  'revocation-causes': { codes: REVOCATION_CAUSES },
  /** The domain's rules: the message a refusal (422) names them with. */
  rules: { codes: RULE_IDS },
  /** The rules the application adds to the domain's (@remedy/case-commands), likewise. */
  'application-rules': { codes: APPLICATION_RULE_IDS },
} as const satisfies Record<string, CodeListDefinition>;

export type CodeListName = keyof typeof CODE_LISTS;
export const CODE_LIST_NAMES = Object.keys(CODE_LISTS) as CodeListName[];

export const isCodeListName = (name: string): name is CodeListName =>
  Object.prototype.hasOwnProperty.call(CODE_LISTS, name);

export interface LabelledCode {
  readonly code: string;
  readonly label: string;
  /** Currencies only: the ISO 4217 minor-unit digits (EUR 2, JPY 0, IQD 3). */
  readonly digits?: number;
}

export interface LabelledCodeList {
  readonly name: CodeListName;
  readonly source: LabelSource;
  readonly codes: readonly LabelledCode[];
}

const displayNames = new Map<string, Intl.DisplayNames>();
function icuName(
  language: LabelLanguage,
  type: 'region' | 'language' | 'currency',
  code: string,
): string | undefined {
  const key = `${language}:${type}`;
  let names = displayNames.get(key);
  if (!names) {
    names = new Intl.DisplayNames([language], { type, fallback: 'none' });
    displayNames.set(key, names);
  }
  try {
    return names.of(code);
  } catch {
    return undefined; // not a code ICU can name (STATELESS, UNKNOWN): the catalogue's
  }
}

/**
 * The label of one code in one language, or undefined when neither ICU nor the catalogue has
 * one (the completeness test makes sure that never happens for the six languages).
 */
export function labelOf(
  name: CodeListName,
  code: string,
  language: LabelLanguage,
): string | undefined {
  const list: CodeListDefinition = CODE_LISTS[name];
  const fromIcu = list.icu ? icuName(language, list.icu, code) : undefined;
  return fromIcu ?? CATALOGUES[language].lists[name]?.[code];
}

const labelled = new Map<string, LabelledCodeList>();
/** One list with its labels in a language (English, then the code, for a label missing). */
export function labelledCodeList(name: CodeListName, language: LabelLanguage): LabelledCodeList {
  const key = `${language}:${name}`;
  let list = labelled.get(key);
  if (!list) {
    const definition: CodeListDefinition = CODE_LISTS[name];
    list = {
      name,
      source: definition.icu ? 'icu' : 'catalogue',
      codes: definition.codes.map((code) => ({
        code,
        label: labelOf(name, code, language) ?? labelOf(name, code, FALLBACK_LANGUAGE) ?? code,
        ...(definition.digits && { digits: definition.digits(code as never) }),
      })),
    };
    labelled.set(key, list);
  }
  return list;
}

/** Whether a language's labels are reviewed (the catalogue says; ICU's names are CLDR's). */
export const reviewStatusOf = (language: LabelLanguage): ReviewStatus =>
  CATALOGUES[language].review.status;

const RULE_LISTS = ['rules', 'application-rules'] as const;
const RULES: ReadonlySet<string> = new Set(RULE_LISTS.flatMap((l) => CODE_LISTS[l].codes));

/** The human message of a rule in a language (the title of a refusal's answer, 422). */
export const ruleMessage = (rule: RuleId | ApplicationRule, language: LabelLanguage): string =>
  RULE_LISTS.flatMap((l) => labelledCodeList(l, language).codes).find((c) => c.code === rule)!
    .label;

/**
 * The title of a refusal (422) in the caller's language (`?lang=`, else `Accept-Language`, else
 * English), for the exception filter of @remedy/http (provided by CodeListsModule).
 */
export const RULE_TITLES_FROM_CATALOGUES: RuleTitles = {
  titleOf(rule, lang, acceptLanguage) {
    if (!RULES.has(rule)) return undefined;
    const language = chooseLanguage(lang, acceptLanguage);
    return { title: ruleMessage(rule as RuleId, language), language };
  },
};
