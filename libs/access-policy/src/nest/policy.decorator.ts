import { SetMetadata } from '@nestjs/common';
import type { CaseReach } from '@remedy/case-domain';
import type {
  AccountSubjectType,
  Action,
  CaseSubjectType,
  OrganisationSubject,
  OwnOrganisationSubjectType,
} from '../policy';

export const POLICY_KEY = 'remedy:access-policy:route';

/**
 * How the caller's organisation reaches a case, decided on the case's event stream (never on a
 * read model that may lag). Provided by the lib that owns the case subject's read (e.g. the case
 * read models' `CaseQueries.reachOf`, the legal-aid queries' reach), under a token the route's
 * `@Policy.case` names; PolicyGuard finds it in the app.
 */
export interface CaseReachResolver {
  /**
   * `scope`: the request the decision is for (an opaque key): a resolver may keep the stream it
   * read for it, so the handler's queries and the command pipeline reuse that read rather than
   * reading the stream again in the same request.
   */
  reachOf(organisationId: string, caseId: string, scope?: object): Promise<CaseReach | undefined>;
}

/** The resolver of the reach of `caseReachOf` (holder, referral receiver, legal aid). */
export const CASE_REACH = Symbol('remedy:access-policy:CaseReach');

/**
 * Whether the organisation directory holds an organisation. Provided by the lib that owns the
 * directory (@remedy/case-commands), under {@link ORGANISATION_LOOKUP}; PolicyGuard finds it in
 * the app, so a resource of an organisation no directory holds is 404 for everyone.
 */
export interface OrganisationLookup {
  exists(organisationId: string): Promise<boolean>;
}
export const ORGANISATION_LOOKUP = Symbol('remedy:access-policy:OrganisationLookup');

/**
 * The organisation of an account of the embedded provider (undefined: no such account). Provided
 * by @remedy/identity under {@link ACCOUNT_LOOKUP}; PolicyGuard finds it in the app.
 */
export interface AccountLookup {
  organisationOf(userId: string): Promise<string | undefined>;
}
export const ACCOUNT_LOOKUP = Symbol('remedy:access-policy:AccountLookup');

/**
 * Path parameters named `…Id` are UUIDs: PolicyGuard answers 404 for any other value, after the
 * policy (an id that is no id names nothing the caller can know exists). A route whose `…Id`
 * parameters are of another form lists them here (e.g. a due reminder's id).
 */
interface IdOptions {
  readonly opaqueIds?: readonly string[];
}

/** A route's policy: what PolicyGuard decides before any pipe or handler runs. */
export type RoutePolicy =
  | {
      readonly kind: 'organisation-wide';
      readonly action: Action;
      readonly subject: OrganisationSubject | 'Case';
      readonly refusal?: string;
      readonly opaqueIds?: readonly string[];
    }
  | {
      readonly kind: 'case';
      readonly action: Action;
      readonly subject: CaseSubjectType;
      /** The path parameter holding the case id. */
      readonly param: string;
      /** The injection token of the CaseReachResolver for this subject. */
      readonly reach: string | symbol;
      /**
       * Refuse (403) before looking the case up, for any case id, the roles that may never do
       * this (the legal-aid view: administrators and rapporteurs).
       */
      readonly refuseRolesNeverAllowed: boolean;
      readonly refusal?: string;
    }
  | {
      readonly kind: 'own-organisation';
      readonly action: Action;
      readonly subject: OwnOrganisationSubjectType;
      /** The path parameter holding the organisation id. */
      readonly param: string;
      readonly refusal?: string;
    }
  | {
      readonly kind: 'account';
      readonly action: Action;
      readonly subject: AccountSubjectType;
      /** The path parameter holding the user id. */
      readonly param: string;
      readonly refusal?: string;
    };

interface CaseOptions {
  readonly param?: string;
  readonly reach?: string | symbol;
  readonly refuseRolesNeverAllowed?: boolean;
  readonly refusal?: string;
}

type Decorator = MethodDecorator & ClassDecorator;

/**
 * The access policy of a route (or of every route of a controller; a method's own overrides its
 * class's). Every authenticated route of the API carries one: PolicyGuard refuses a route without
 * it (fail closed). Organisation-wide subjects are decided by role (403).
 */
export const Policy = Object.assign(
  (
    action: Action,
    subject: OrganisationSubject | 'Case',
    options: { readonly refusal?: string } & IdOptions = {},
  ): Decorator =>
    SetMetadata<string, RoutePolicy>(POLICY_KEY, {
      kind: 'organisation-wide',
      action,
      subject,
      ...options,
    }),
  {
    /**
     * A route on one case (`:caseId`): the caller's organisation's reach of the case is read from
     * its stream, then 404 (not known through this route), 403 (known, role not allowed) or on.
     */
    case: (action: Action, subject: CaseSubjectType, options: CaseOptions = {}): Decorator =>
      SetMetadata<string, RoutePolicy>(POLICY_KEY, {
        kind: 'case',
        action,
        subject,
        param: options.param ?? 'caseId',
        reach: options.reach ?? CASE_REACH,
        refuseRolesNeverAllowed: options.refuseRolesNeverAllowed ?? false,
        ...(options.refusal === undefined ? {} : { refusal: options.refusal }),
      }),
    /** One organisation's resource (`:organisationId`): is it the caller's own? Then by role (403). */
    ownOrganisation: (
      action: Action,
      subject: OwnOrganisationSubjectType,
      options: { readonly param?: string; readonly refusal?: string } = {},
    ): Decorator =>
      SetMetadata<string, RoutePolicy>(POLICY_KEY, {
        kind: 'own-organisation',
        action,
        subject,
        param: options.param ?? 'organisationId',
        ...(options.refusal === undefined ? {} : { refusal: options.refusal }),
      }),
    /**
     * One account of the embedded provider (`:userId`): unknown, or of another organisation for a
     * caller who may not reach it, 404; of the caller's organisation and a role not allowed, 403.
     */
    account: (
      action: Action,
      options: { readonly param?: string; readonly refusal?: string } = {},
    ): Decorator =>
      SetMetadata<string, RoutePolicy>(POLICY_KEY, {
        kind: 'account',
        action,
        subject: 'User',
        param: options.param ?? 'userId',
        ...(options.refusal === undefined ? {} : { refusal: options.refusal }),
      }),
  },
);
