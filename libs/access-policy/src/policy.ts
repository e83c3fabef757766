import {
  AbilityBuilder,
  createMongoAbility,
  subject,
  type ForcedSubject,
  type MongoAbility,
} from '@casl/ability';
import { permittedFieldsOf } from '@casl/ability/extra';
import { ROLES, type Actor, type Role } from '@remedy/auth';
import type { ActorRole, CaseReach } from '@remedy/case-domain';

/**
 * Who may do what, for every route of the API, in one place (CASL). Pure: no Nest, no I/O.
 *
 * Two kinds of subject:
 * - **organisation-wide** subjects (the directory, statistics, the audit trail export, the case
 *   list of one's own organisation...): the roles decide; a role that may not is refused (403)
 *   whatever the resource, before any lookup, so the answer reveals nothing;
 * - **case** subjects (`Case`, `LegalAidCase`, `AccessHistory`): the caller's organisation's
 *   *reach* of that case is an input, computed from the case's event stream at request time (the
 *   holder, a referral receiver or a legal-aid organisation with the person's live consent:
 *   `caseReachOf` / `legalAidReachOf`), never from a read model that may lag. A case the
 *   organisation does not reach on that route is unknown to it (404, never 403 across
 *   organisations); a reached case and a role not allowed is 403.
 *
 * Field-level limits: a legal-aid organisation reaches only the fields DOMAIN.md and issue 5 list
 * (`LEGAL_AID_CASE_FIELDS`); the holder's roles read every field.
 * Domain rules (who may approve a closure, assess best interests, ...) stay in the case domain's
 * `decide` (422 naming the rule): this policy only says who may send a command to a case at all.
 */
export type Action =
  | 'read' // one resource, or a catalogue
  | 'list' // an organisation's list
  | 'create'
  | 'update'
  | 'command' // send a command to a case
  | 'search'
  | 'request' // ask for a statistics release
  | 'export'
  | 'use'; // the queue dashboard

export type OrganisationSubject =
  | 'Session'
  | 'Organisation'
  | 'CaseList'
  | 'Referral'
  | 'Reminder'
  | 'PersonSearch'
  | 'LegalAidPortfolio'
  | 'StatisticsCatalogue'
  | 'CodeList'
  | 'StatisticsRelease'
  | 'HtcdsExport'
  | 'SupervisorDashboard'
  | 'AuditTrail'
  | 'QueueDashboard';

export type CaseSubjectType = 'Case' | 'LegalAidCase' | 'AccessHistory' | 'AccessRequestExport';
/**
 * A resource of one organisation (its retention schedule, its users, its login policy, the names
 * of the caseworkers a case can be assigned to): its own roles, or platform administrators.
 */
export type OwnOrganisationSubjectType =
  'RetentionSchedule' | 'OrganisationUsers' | 'LoginPolicy' | 'OrganisationCaseworkers';
/**
 * One account of the embedded provider (issue 15): its organisation's administrators, or
 * platform administrators. Another organisation's user is unknown to the caller (404, never 403).
 */
export type AccountSubjectType = 'User';
export type SubjectType =
  OrganisationSubject | CaseSubjectType | OwnOrganisationSubjectType | AccountSubjectType;

/** A case as the policy sees it: only how the caller's organisation reaches it. */
export interface CaseResource {
  readonly reach: CaseReach;
}

/** A case subject instance for CASL: its type tag and the reach its conditions match. */
type TaggedCase<T extends CaseSubjectType> = ForcedSubject<T> & CaseResource;
/** One organisation's resource: is it the caller's own organisation's? */
export interface OrganisationResource {
  readonly own: boolean;
}
type Subjects =
  | SubjectType
  | TaggedCase<'Case'>
  | TaggedCase<'LegalAidCase'>
  | TaggedCase<'AccessHistory'>
  | TaggedCase<'AccessRequestExport'>
  | (ForcedSubject<'RetentionSchedule'> & OrganisationResource)
  | (ForcedSubject<'OrganisationUsers'> & OrganisationResource)
  | (ForcedSubject<'LoginPolicy'> & OrganisationResource)
  | (ForcedSubject<'OrganisationCaseworkers'> & OrganisationResource)
  | (ForcedSubject<'User'> & OrganisationResource);
export type AppAbility = MongoAbility<[Action, Subjects]>;

/** Roles that work on cases: they read and act on the cases their organisation reaches. */
export const CASE_ROLES: readonly Role[] = ['caseworker', 'supervisor', 'legal_aid'];

/**
 * What a legal-aid organisation sees of a case (issue 5 item 3): the reference, the person's
 * name, contact channel and preferred language, sex/gender, age group, citizenship,
 * identification status and forms of exploitation, non-punishment flags, remedies sought and all
 * claim data. Never addresses or shelter, assistance, notes, referrals, other identification
 * details. Top-level fields of the legal-aid case view.
 */
export const LEGAL_AID_CASE_FIELDS: readonly string[] = [
  'caseId',
  'reference',
  'access',
  'person',
  'profile',
  'identification',
  'nonPunishmentFlags',
  'remedies',
  'revision',
  'claims',
  'totals',
];

/**
 * Through which reaches an organisation knows a case on each case subject. Outside them the
 * case is unknown to it (404): e.g. a legal-aid organisation reaches the legal-aid view but not
 * the full case read; a referral receiver the full read but not the legal-aid view; only the
 * holder knows the case's access history.
 */
const KNOWN_THROUGH: Record<CaseSubjectType, Partial<Record<Action, readonly CaseReach[]>>> = {
  Case: { read: ['holder', 'referral'], command: ['holder', 'referral', 'legal_aid'] },
  LegalAidCase: { read: ['holder', 'legal_aid'] },
  AccessHistory: { read: ['holder'] },
  // Every organisation reaching the case knows it; only the holder's supervisors answer it (403).
  AccessRequestExport: { export: ['holder', 'referral', 'legal_aid'] },
};

/**
 * The ability of the actor's roles, built once per set of roles (issue 18: the guard and the
 * handlers ask on every request, and building one costs more than the check). Keyed by the known
 * roles the actor holds, so the map holds at most one ability per subset of ROLES; an ability is
 * never changed after it is built. Also remembered by the roles array itself (`readonly`): a
 * token's actor comes from the verifier's cache, the same array on each of its requests.
 */
export function defineAbilityFor(actor: Pick<Actor, 'roles'>): AppAbility {
  let ability = abilityOfRoles.get(actor.roles);
  if (ability) return ability;
  const roles = ROLES.filter((role) => actor.roles.includes(role));
  const key = roles.join(',');
  ability = abilities.get(key);
  if (!ability) {
    ability = buildAbility(roles);
    abilities.set(key, ability);
  }
  abilityOfRoles.set(actor.roles, ability);
  return ability;
}
const abilities = new Map<string, AppAbility>();
const abilityOfRoles = new WeakMap<readonly Role[], AppAbility>();

function buildAbility(roles: readonly Role[]): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
  const has = (role: Role) => roles.includes(role);
  const worksOnCases = CASE_ROLES.some(has);

  // Everyone authenticated: their own identity, the statistics catalogue and the key that
  // verifies releases (public facts, no case data), the code lists and their labels.
  can('read', 'Session');
  // Their own account's preferred language (an account of the embedded provider).
  can('update', 'Session');
  can('read', 'StatisticsCatalogue');
  can('read', 'CodeList');
  // The organisation directory: the roles that work with organisations (a national rapporteur
  // receives aggregate statistics only).
  if (worksOnCases || has('admin') || has('org_admin')) can(['read', 'list'], 'Organisation');

  if (worksOnCases) {
    // The caller's own organisation's lists (scoped to it by the queries).
    can('list', ['CaseList', 'Referral', 'Reminder']);
    can('update', 'Reminder');
    can(['read', 'list'], 'LegalAidPortfolio');
    can('create', 'Case'); // open a case in one's own organisation
    // Commands to any case the organisation reaches (the domain's decide refuses the rest: 422).
    can('command', 'Case');
    // The full case (facts and personal data): holder and consented referral receiver.
    can('read', 'Case', { reach: { $in: ['holder', 'referral'] } });
    // The legal-aid view: the holder reads every field; a legal-aid organisation with live
    // access and consent reads the listed fields only.
    can('read', 'LegalAidCase', { reach: 'holder' });
    can('read', 'LegalAidCase', [...LEGAL_AID_CASE_FIELDS], { reach: 'legal_aid' });
  }
  if (has('caseworker') || has('supervisor')) {
    can('search', 'PersonSearch');
    // Who a case can be assigned to in their own organisation: ids and display names only (the
    // assignment command names a caseworker by id; the console shows the name).
    can('list', 'OrganisationCaseworkers', { own: true });
  }
  if (has('supervisor')) {
    can('read', 'AccessHistory', { reach: 'holder' });
    // The person's access request: everything held on them, for the holder's supervisors.
    can('export', 'AccessRequestExport', { reach: 'holder' });
    can('export', 'HtcdsExport');
    // Their own organisation's dashboard (scoped to it by the queries and row-level security).
    can('read', 'SupervisorDashboard');
    // Their own organisation's retention schedule.
    can(['read', 'update'], 'RetentionSchedule', { own: true });
  }
  if (has('rapporteur')) can(['request', 'read'], 'StatisticsRelease');
  if (has('org_admin')) {
    // Organisation administrators: the users and the login policy of their own organisation.
    can(['list', 'create'], 'OrganisationUsers', { own: true });
    can(['read', 'update'], 'LoginPolicy', { own: true });
    can(['read', 'update'], 'User', { own: true });
  }
  if (has('admin')) {
    // Administrators manage organisations and users and export the audit trail; they read no
    // case content (no case subject above is granted for this role).
    can(['create', 'update'], 'Organisation');
    can('export', 'AuditTrail');
    can('use', 'QueueDashboard');
    can(['read', 'update'], 'RetentionSchedule');
    // Platform administrators: the users and login policy of every organisation.
    can(['list', 'create'], 'OrganisationUsers');
    can(['read', 'update'], 'LoginPolicy');
    can(['read', 'update'], 'User');
  }
  return build();
}

export type AccessDecision = 'allowed' | 'forbidden' | 'not_found';

/** An organisation-wide subject: allowed or forbidden (403) by role. */
export function decideAccess(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: OrganisationSubject | CaseSubjectType,
): Exclude<AccessDecision, 'not_found'> {
  return defineAbilityFor(actor).can(action, subjectType) ? 'allowed' : 'forbidden';
}

/**
 * A case subject, given how the caller's organisation reaches the case (from its stream;
 * undefined: not at all): not_found (404) when the organisation does not know the case on this
 * route, forbidden (403) when it does and the role may not, else allowed.
 */
export function decideCase(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: CaseSubjectType,
  reach: CaseReach | undefined,
): AccessDecision {
  if (reach === undefined || !(KNOWN_THROUGH[subjectType][action] ?? []).includes(reach))
    return 'not_found';
  return defineAbilityFor(actor).can(action, caseResource(subjectType, reach))
    ? 'allowed'
    : 'forbidden';
}

/**
 * One organisation's resource (its retention schedule), given whether it is the caller's own:
 * allowed or forbidden (403; the directory is public to its users, so the organisation is known).
 */
export function decideOrganisation(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: OwnOrganisationSubjectType,
  own: boolean,
): Exclude<AccessDecision, 'not_found'> {
  return defineAbilityFor(actor).can(action, subject(subjectType, { own }))
    ? 'allowed'
    : 'forbidden';
}

/**
 * One account (a user of the embedded provider), given whether it belongs to the caller's own
 * organisation: allowed; forbidden (403) in the caller's own organisation; not_found (404) in
 * another (users are not public: another organisation's user is unknown to the caller).
 */
export function decideAccount(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  own: boolean,
): AccessDecision {
  if (defineAbilityFor(actor).can(action, subject('User', { own }))) return 'allowed';
  return own ? 'forbidden' : 'not_found';
}

/** May this role ever do `action` on `subjectType` (under some reach)? */
export function mayEver(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: SubjectType,
): boolean {
  return defineAbilityFor(actor).can(action, subjectType);
}

function caseResource(subjectType: CaseSubjectType, reach: CaseReach): Subjects {
  return subject(subjectType, { reach });
}

/**
 * The top-level fields of a case subject this actor may read under this reach (field-level
 * limits), among `allFields`.
 */
export function permittedCaseFields(
  actor: Pick<Actor, 'roles'>,
  action: Action,
  subjectType: CaseSubjectType,
  reach: CaseReach,
  allFields: readonly string[],
): string[] {
  return permittedFieldsOf(defineAbilityFor(actor), action, caseResource(subjectType, reach), {
    fieldsFrom: (rule) => rule.fields ?? [...allFields],
  }).filter((f) => allFields.includes(f));
}

/** Keeps only the fields of `view` the actor may read under this reach. */
export function pickPermitted<T extends object>(
  actor: Pick<Actor, 'roles'>,
  subjectType: CaseSubjectType,
  reach: CaseReach,
  view: T,
): Partial<T> {
  const allowed = new Set(
    permittedCaseFields(actor, 'read', subjectType, reach, Object.keys(view)),
  );
  return Object.fromEntries(Object.entries(view).filter(([k]) => allowed.has(k))) as Partial<T>;
}

/**
 * An actor who reaches nothing but the statistics (and the organisation-wide facts everyone
 * reads): a national rapporteur without another role. Its reads are confined to the
 * statistics routes before any handler runs.
 */
export function reachesOnlyStatistics(actor: Pick<Actor, 'roles'>): boolean {
  const ability = defineAbilityFor(actor);
  let only = onlyStatistics.get(ability);
  if (only === undefined) {
    only = ability.can('request', 'StatisticsRelease') && !ability.can('list', 'Organisation');
    onlyStatistics.set(ability, only); // asked on every request (RapporteurScopeGuard)
  }
  return only;
}
const onlyStatistics = new WeakMap<AppAbility, boolean>();

/**
 * The case domain's actor role for a token's roles, highest first: supervisor > caseworker >
 * legal aid lawyer. Rapporteurs and administrators act on no case (the policy refuses them
 * before: undefined).
 */
export function caseActorRoleOf(roles: readonly Role[]): ActorRole | undefined {
  if (roles.includes('supervisor')) return 'supervisor';
  if (roles.includes('caseworker')) return 'caseworker';
  if (roles.includes('legal_aid')) return 'legal_aid_lawyer';
  return undefined;
}
