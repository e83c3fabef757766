import {
  COUNTRY_CODES,
  DECIDING_BODIES,
  FORMS_OF_EXPLOITATION,
  LANGUAGE_CODES,
  MEANS_OF_CONTROL,
  REFERRAL_SOURCES,
  SECTORS,
  SEX_GENDER,
  VICTIM_STATUSES,
} from '../code-lists';
import type { GrantReflectionPeriod, OpenCase, RecordVictimStatus } from '../commands';
import { ageGroupOn } from '../rules/age';
import { isCalendarDate, yearOf } from '../rules/calendar';
import type { Decision } from '../rules/errors';
import { reflectionPeriodDates } from '../rules/reflection-period';
import {
  check,
  checkBoolean,
  checkActiveHolder,
  checkCaseReference,
  checkCode,
  checkCodes,
  checkId,
  checkStaff,
  emit,
  invalid,
  type Context,
} from './context';

const isAge = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 130;

export const openCase = (ctx: Context<OpenCase>): Decision => {
  const { command, today } = ctx;
  const { profile, personal } = command;
  const birthDate = personal.birthDate;
  const rejected =
    check(
      ctx.state.lifecycle === 'not_opened',
      'CASE_ALREADY_OPENED',
      'the case is already open',
    ) ??
    checkStaff(command.actor) ??
    checkId(command.caseId, 'caseId') ??
    checkCaseReference(command.caseReference) ??
    checkCode(REFERRAL_SOURCES, command.referralSource, 'referralSource') ??
    checkCode(SEX_GENDER, profile.sexGender, 'profile.sexGender') ??
    checkCodes(COUNTRY_CODES, profile.citizenships, 'profile.citizenships') ??
    check(
      profile.citizenships.length > 0,
      'INVALID_INPUT',
      'profile.citizenships needs at least one value (UNKNOWN if unknown)',
    ) ??
    checkCodes(LANGUAGE_CODES, profile.languages, 'profile.languages') ??
    checkBoolean(profile.ageUncertain, 'profile.ageUncertain') ??
    (birthDate === undefined || (isCalendarDate(birthDate) && birthDate <= today)
      ? undefined
      : invalid('personal.birthDate')) ??
    (profile.estimatedAge === undefined || isAge(profile.estimatedAge)
      ? undefined
      : invalid('profile.estimatedAge'));
  if (rejected) return rejected;
  const estimatedAge = birthDate === undefined ? profile.estimatedAge : undefined;
  const estimatedAgeOn = estimatedAge === undefined ? undefined : today;
  const birthYear =
    birthDate !== undefined
      ? yearOf(birthDate)
      : estimatedAge !== undefined
        ? yearOf(today) - estimatedAge
        : undefined;
  const ageGroupAtOpening = ageGroupOn(
    { presumedMinor: false, birthDate, estimatedAge, estimatedOn: estimatedAgeOn },
    today,
  );
  return emit({ ...ctx, meta: { ...ctx.meta, caseId: command.caseId } }, 'CaseOpened', {
    caseReference: command.caseReference,
    referralSource: command.referralSource,
    profile: {
      sexGender: profile.sexGender,
      birthYear,
      estimatedAge,
      estimatedAgeOn,
      ageUncertain: profile.ageUncertain,
      citizenships: [...profile.citizenships],
      languages: [...profile.languages],
    },
    ageGroupAtOpening,
    personal,
  });
};

const isYear = (value: unknown): boolean =>
  value === undefined ||
  (Number.isInteger(value) && (value as number) >= 1900 && (value as number) <= 9999);

export const recordVictimStatus = (ctx: Context<RecordVictimStatus>): Decision => {
  const { command, state } = ctx;
  const rejected =
    checkActiveHolder(ctx) ??
    checkCode(VICTIM_STATUSES, command.status, 'status') ??
    checkCode(DECIDING_BODIES, command.decidingBody, 'decidingBody') ??
    check(
      isCalendarDate(command.decidedOn) && command.decidedOn <= ctx.today,
      'INVALID_INPUT',
      'decidedOn must be a calendar date not in the future',
    ) ??
    checkCodes(FORMS_OF_EXPLOITATION, command.formsOfExploitation, 'formsOfExploitation') ??
    checkCodes(SECTORS, command.sectors, 'sectors') ??
    checkCodes(COUNTRY_CODES, command.countriesOfRecruitment, 'countriesOfRecruitment') ??
    checkCodes(COUNTRY_CODES, command.countriesOfTransit, 'countriesOfTransit') ??
    checkCodes(COUNTRY_CODES, command.countriesOfExploitation, 'countriesOfExploitation') ??
    checkCodes(MEANS_OF_CONTROL, command.meansOfControl, 'meansOfControl') ??
    check(
      isYear(command.exploitationFromYear) && isYear(command.exploitationToYear),
      'INVALID_INPUT',
      'exploitation years must be four-digit years',
    ) ??
    check(
      state.victimStatus !== undefined || command.status !== 'NotAVictimOfTrafficking',
      'STATUS_FIRST_MUST_BE_PRESUMED_OR_IDENTIFIED',
      'the first status decision records a presumed or identified victim; "not a victim" can only change an earlier status',
    );
  if (rejected) return rejected;
  const facts = {
    status: command.status,
    decidingBody: command.decidingBody,
    decidedOn: command.decidedOn,
    formsOfExploitation: command.formsOfExploitation,
    sectors: command.sectors,
    countriesOfRecruitment: command.countriesOfRecruitment,
    countriesOfTransit: command.countriesOfTransit,
    countriesOfExploitation: command.countriesOfExploitation,
    meansOfControl: command.meansOfControl,
    exploitationFromYear: command.exploitationFromYear,
    exploitationToYear: command.exploitationToYear,
    ageGroupAtIdentification: ageGroupOn(state.age, command.decidedOn),
    yearOfIdentification: yearOf(command.decidedOn),
    personal: command.personal,
  };
  return state.victimStatus === undefined
    ? emit(ctx, 'VictimIdentified', facts)
    : emit(ctx, 'VictimStatusChanged', { ...facts, previousStatus: state.victimStatus });
};

export const grantReflectionPeriod = (ctx: Context<GrantReflectionPeriod>): Decision => {
  const { command, state, policy } = ctx;
  const days = command.days ?? policy.minimumReflectionDays;
  const startsOn = command.startsOn ?? ctx.today;
  const rejected =
    checkActiveHolder(ctx) ??
    check(
      state.victimStatus === 'PossibleVictimOfTrafficking' ||
        state.victimStatus === 'ActualVictimOfTrafficking',
      'RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS',
      'a recovery and reflection period is granted to a presumed or identified victim',
    ) ??
    check(
      Number.isInteger(days) && days >= policy.minimumReflectionDays,
      'RULE_4_REFLECTION_PERIOD_TOO_SHORT',
      `the recovery and reflection period must last at least ${policy.minimumReflectionDays} days in this jurisdiction`,
    ) ??
    check(isCalendarDate(startsOn), 'INVALID_INPUT', 'startsOn must be a calendar date');
  if (rejected) return rejected;
  const dates = reflectionPeriodDates(startsOn, days, policy);
  return emit(ctx, 'ReflectionPeriodGranted', { ...dates, days });
};
