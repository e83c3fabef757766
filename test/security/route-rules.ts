import type { Role } from '@remedy/auth';

/**
 * The public list of every route of the API and who may call it (issue 4: authorisation matrix).
 * test/security/authorization-matrix.e2e.spec.ts reads the routes from the running app and checks
 * them against this list in both directions: a new route without a rule fails it.
 *
 * The policy is decided before validation (PolicyGuard, @remedy/access-policy): a refused caller
 * gets its 403 / 404 even for invalid input (the matrix checks it too).
 *
 * - `public`: no token needed.
 * - `org`: an organisation-wide resource (the caller's own organisation's lists, the directory,
 *   statistics, the audit trail export...): the roles in `may` get past the policy, every other
 *   role is refused with 403 whatever the resource (decided before any lookup: it reveals nothing).
 * - `ownOrganisation` / `anyOrganisation`: a resource of the owning organisation (its retention
 *   schedule): these roles of that organisation, and those of any organisation, get past the
 *   policy; everyone else 403 (the directory is public to its users: the organisation is known).
 * - `account` / `anyOrganisation`: a user (account of the embedded provider) of the owning
 *   organisation: the `account` roles of that organisation and the `anyOrganisation` roles of any
 *   get past the policy; the other roles of the owning organisation 403; of another, 404 (users
 *   are not public: never 403 across organisations).
 * - `case`: a case held by the owning organisation. Callers of the owning organisation: `may` get
 *   past the policy, the other roles 403 (a known case, a role not allowed). Callers of another
 *   organisation: 404 (a case they may not know exists, never 403), except the roles of
 *   `refusedFirst`, refused (403) before the case is looked up, for any case id.
 */
export type RouteRule =
  | { readonly public: true }
  | { readonly org: readonly Role[] }
  | { readonly ownOrganisation: readonly Role[]; readonly anyOrganisation: readonly Role[] }
  | { readonly account: readonly Role[]; readonly anyOrganisation: readonly Role[] }
  | { readonly case: readonly Role[]; readonly refusedFirst?: readonly Role[] };

/** A caller of a route: a role of the organisation owning the resource, of another, or no token. */
export interface RuleCaller {
  readonly role?: Role;
  readonly org?: 'owner' | 'other';
}
export type Expected = 401 | 403 | 404 | 'allowed' | 'public';

/** What the access policy answers this caller on a route with this rule (before any validation). */
export function expectedFor(rule: RouteRule, caller: RuleCaller): Expected {
  if ('public' in rule) return 'public';
  if (!caller.role) return 401;
  if ('org' in rule) return rule.org.includes(caller.role) ? 'allowed' : 403;
  if ('account' in rule) {
    if (rule.anyOrganisation.includes(caller.role)) return 'allowed';
    if (caller.org !== 'owner') return 404;
    return rule.account.includes(caller.role) ? 'allowed' : 403;
  }
  if ('anyOrganisation' in rule)
    return rule.anyOrganisation.includes(caller.role) ||
      (caller.org === 'owner' && rule.ownOrganisation.includes(caller.role))
      ? 'allowed'
      : 403;
  if (rule.refusedFirst?.includes(caller.role)) return 403;
  if (caller.org === 'other') return 404;
  return rule.case.includes(caller.role) ? 'allowed' : 403;
}

export const ALL_ROLES: readonly Role[] = [
  'caseworker',
  'supervisor',
  'legal_aid',
  'rapporteur',
  'org_admin',
  'admin',
];
const CASE_ROLES: readonly Role[] = ['caseworker', 'supervisor', 'legal_aid'];
const PUBLIC: RouteRule = { public: true };

/**
 * Whether the route (`GET /health`, `POST /oidc/*`) is public: no token, no policy. Swagger UI's
 * own files (`/docs/swagger-ui-init.js`, ...) are registered one by one: all of `/docs` is public.
 */
export const isPublicRoute = (method: string, url: string): boolean =>
  url.startsWith('/docs') || 'public' in (ROUTE_RULES[`${method} ${url}`] ?? {});
/** A command to a case: every case role of an organisation reaching it (the domain decides the rest: 422). */
const COMMAND: RouteRule = { case: CASE_ROLES };
/** A read of a case: rapporteurs are confined to the statistics before any lookup (403). */
const caseRead = (may: readonly Role[]): RouteRule => ({ case: may, refusedFirst: ['rapporteur'] });
const ADMIN: RouteRule = { org: ['admin'] };
/** An organisation's users and login policy: its organisation administrators, platform admins. */
const USER_ADMINS: RouteRule = { ownOrganisation: ['org_admin'], anyOrganisation: ['admin'] };
/** One user: its organisation's administrators, platform admins; another organisation's: 404. */
const ACCOUNT_ADMINS: RouteRule = { account: ['org_admin'], anyOrganisation: ['admin'] };

export const ROUTE_RULES: Readonly<Record<string, RouteRule>> = {
  // Public: health (its status only), the OpenAPI document and UI. Metrics are on the internal
  // listener, not a route of the API.
  'GET /health': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /docs': PUBLIC,
  'GET /docs/': PUBLIC,
  'GET /docs/*': PUBLIC,
  'GET /docs-json': PUBLIC,
  'GET /docs-yaml': PUBLIC,
  // The embedded OpenID provider (oidc-provider, issue 15): the OpenID protocol's own endpoints
  // (discovery, JWKS, authorisation, token, end session), public by nature; oidc-provider
  // authenticates its clients and sessions itself. Outside the OpenAPI document.
  'GET /oidc/*': PUBLIC,
  'POST /oidc/*': PUBLIC,
  // Its login pages (libs/identity/src/pages): public HTML pages and their form posts (the person
  // is not signed in yet); the interaction's cookie, the one-time link's secret or the signed
  // state cookie authorise each step, with a per-address limit and each account's lockout.
  'GET /oidc/interaction/:uid': PUBLIC,
  'POST /oidc/interaction/:uid/login': PUBLIC,
  'POST /oidc/interaction/:uid/totp': PUBLIC,
  'POST /oidc/interaction/:uid/passkey/options': PUBLIC,
  'POST /oidc/interaction/:uid/passkey': PUBLIC,
  'POST /oidc/interaction/:uid/enrol/totp': PUBLIC,
  'POST /oidc/interaction/:uid/enrol/passkey/options': PUBLIC,
  'POST /oidc/interaction/:uid/enrol/passkey': PUBLIC,
  'POST /oidc/interaction/:uid/enrol/finish': PUBLIC,
  'GET /oidc/interaction/:uid/abort': PUBLIC,
  'GET /oidc/interaction/:uid/password': PUBLIC,
  'POST /oidc/interaction/:uid/password': PUBLIC,
  'GET /oidc/setup': PUBLIC,
  'POST /oidc/setup': PUBLIC,
  'GET /oidc/setup/enrol': PUBLIC,
  'POST /oidc/setup/enrol/totp': PUBLIC,
  'POST /oidc/setup/enrol/passkey/options': PUBLIC,
  'POST /oidc/setup/enrol/passkey': PUBLIC,
  'POST /oidc/setup/finish': PUBLIC,
  'GET /oidc/assets/:name': PUBLIC,
  'GET /oidc/assets/fonts/:file': PUBLIC,
  // The web console's login settings (issuer, client id, idle timeout): needed before a login.
  'GET /console-config.json': PUBLIC,

  // The caller's own identity, and its account's preferred language.
  'GET /session': { org: ALL_ROLES },
  'PUT /session/language': { org: ALL_ROLES },

  // The users of the embedded provider and an organisation's login policy (issue 15).
  'POST /organisations/:organisationId/users': USER_ADMINS,
  'GET /organisations/:organisationId/users': USER_ADMINS,
  'GET /organisations/:organisationId/login-policy': USER_ADMINS,
  'PUT /organisations/:organisationId/login-policy': USER_ADMINS,
  'GET /users/:userId': ACCOUNT_ADMINS,
  'PUT /users/:userId/roles': ACCOUNT_ADMINS,
  'POST /users/:userId/deactivation': ACCOUNT_ADMINS,
  'POST /users/:userId/reactivation': ACCOUNT_ADMINS,
  'POST /users/:userId/password-reset-link': ACCOUNT_ADMINS,
  'POST /users/:userId/second-factor-reset': ACCOUNT_ADMINS,

  // The organisation directory: administrators manage it; the organisations' users read it.
  'POST /organisations': ADMIN,
  'PUT /organisations/:organisationId': ADMIN,
  'GET /organisations': { org: [...CASE_ROLES, 'org_admin', 'admin'] },
  'GET /organisations/:organisationId': { org: [...CASE_ROLES, 'org_admin', 'admin'] },
  // An organisation's retention schedule: its supervisors, and administrators.
  // The caseworkers a case can be assigned to (id and display name): its own caseworkers and
  // supervisors (they send the assignment command); nobody of another organisation.
  'GET /organisations/:organisationId/caseworkers': {
    ownOrganisation: ['caseworker', 'supervisor'],
    anyOrganisation: [],
  },
  'GET /organisations/:organisationId/retention': {
    ownOrganisation: ['supervisor'],
    anyOrganisation: ['admin'],
  },
  'PUT /organisations/:organisationId/retention': {
    ownOrganisation: ['supervisor'],
    anyOrganisation: ['admin'],
  },

  // Cases: open one in one's own organisation, search one's own organisation's persons, list.
  'POST /cases': { org: CASE_ROLES },
  'POST /cases/search': { org: ['caseworker', 'supervisor'] },
  'GET /cases': { org: CASE_ROLES },
  'GET /referrals': { org: CASE_ROLES },
  'GET /reminders/due': { org: CASE_ROLES },
  'GET /dashboard/supervisor': { org: ['supervisor'] },
  'POST /reminders/due/:reminderId/done': { org: CASE_ROLES },

  // One case: reads (holder and consented referral receivers) and its access history.
  'GET /cases/:caseId': caseRead(CASE_ROLES),
  'GET /cases/:caseId/timeline': caseRead(CASE_ROLES),
  'GET /cases/:caseId/as-of': caseRead(CASE_ROLES),
  'GET /cases/:caseId/access-history': caseRead(['supervisor']),
  // The person's access request (everything held on them): the holder's supervisors.
  'GET /cases/:caseId/access-request-export': caseRead(['supervisor']),
  // Possible duplicates within the organisation (issue 19): the holder's caseworkers and supervisors.
  'GET /cases/:caseId/possible-duplicates': caseRead(['caseworker', 'supervisor']),
  // Whether the case probably matches one elsewhere (issue 19): the case roles of the holder; what
  // it says depends on the person's consent (test/linkage), not on the role.
  'GET /cases/:caseId/linkage': caseRead(CASE_ROLES),

  // One case: commands.
  'POST /cases/:caseId/victim-status': COMMAND,
  'POST /cases/:caseId/presume-minority': COMMAND,
  'POST /cases/:caseId/verify-age': COMMAND,
  'POST /cases/:caseId/reflection-period': COMMAND,
  'POST /cases/:caseId/consents': COMMAND,
  'POST /cases/:caseId/consents/withdraw': COMMAND,
  'POST /cases/:caseId/statistical-use-objection': COMMAND,
  'POST /cases/:caseId/statistical-use-objection/withdraw': COMMAND,
  'POST /cases/:caseId/needs-assessments': COMMAND,
  'POST /cases/:caseId/support-plans': COMMAND,
  'POST /cases/:caseId/assistance': COMMAND,
  'POST /cases/:caseId/referrals': COMMAND,
  'POST /cases/:caseId/referrals/:referralId/accept': COMMAND,
  'POST /cases/:caseId/referrals/:referralId/decline': COMMAND,
  'POST /cases/:caseId/referrals/:referralId/complete': COMMAND,
  'POST /cases/:caseId/referrals/:referralId/revoke': COMMAND,
  'POST /cases/:caseId/legal-aid-access': COMMAND,
  'POST /cases/:caseId/legal-aid-access/revoke': COMMAND,
  'POST /cases/:caseId/transfer': COMMAND,
  'POST /cases/:caseId/best-interests-assessments': COMMAND,
  'POST /cases/:caseId/guardians': COMMAND,
  'POST /cases/:caseId/law-enforcement-cooperation': COMMAND,
  'POST /cases/:caseId/remedies': COMMAND,
  'POST /cases/:caseId/non-punishment-flags': COMMAND,
  'POST /cases/:caseId/non-punishment-flags/:flagId/resolve': COMMAND,
  'POST /cases/:caseId/closure/request': COMMAND,
  'POST /cases/:caseId/closure/approve': COMMAND,
  'POST /cases/:caseId/reopen': COMMAND,
  'POST /cases/:caseId/caseworker': COMMAND,
  'POST /cases/:caseId/notes': COMMAND,
  'POST /cases/:caseId/corrections': COMMAND,
  'POST /cases/:caseId/erasure': COMMAND,
  'POST /cases/:caseId/duplicate-decisions': COMMAND,
  'POST /cases/:caseId/claims': COMMAND,
  'POST /cases/:caseId/claims/:claimId/legal-representative': COMMAND,
  'POST /cases/:caseId/claims/:claimId/hearings': COMMAND,
  'POST /cases/:caseId/claims/:claimId/decision': COMMAND,
  'POST /cases/:caseId/claims/:claimId/appeal': COMMAND,
  'POST /cases/:caseId/claims/:claimId/final': COMMAND,
  'POST /cases/:caseId/claims/:claimId/payments': COMMAND,
  'POST /cases/:caseId/claims/:claimId/enforcement': COMMAND,
  'POST /cases/:caseId/claims/:claimId/closure': COMMAND,

  // Legal aid: the case roles; administrators (platform, organisation) and rapporteurs never
  // (403 before any lookup).
  'GET /legal-aid/cases': { org: CASE_ROLES },
  'GET /legal-aid/cases/:caseId': {
    case: CASE_ROLES,
    refusedFirst: ['admin', 'org_admin', 'rapporteur'],
  },
  'GET /legal-aid/claims': { org: CASE_ROLES },
  'GET /legal-aid/portfolio': { org: CASE_ROLES },
  'GET /legal-aid/deadlines': { org: CASE_ROLES },
  'GET /legal-aid/outcomes': { org: CASE_ROLES },

  // The code lists and their labels: not personal, every authenticated role.
  'GET /code-lists': { org: ALL_ROLES },
  'GET /code-lists/:name': { org: ALL_ROLES },

  // Statistics: the catalogue and public key for everyone; releases for national rapporteurs.
  'GET /statistics/tables': { org: ALL_ROLES },
  'GET /statistics/public-key': { org: ALL_ROLES },
  'POST /statistics/releases': { org: ['rapporteur'] },
  'GET /statistics/releases': { org: ['rapporteur'] },
  'GET /statistics/releases/:release': { org: ['rapporteur'] },
  // The national report of a release as PDF (issue 17 item 4).
  'POST /statistics/releases/:release/reports': { org: ['rapporteur'] },
  'GET /statistics/releases/:release/reports/:language': { org: ['rapporteur'] },
  // The HTCDS export of the organisation's own cases, personal data included.
  'GET /exports/htcds.csv': { org: ['supervisor'] },

  // Administration: the audit trail export and the queue dashboard.
  'GET /admin/audit-trail': ADMIN,
  // The dashboard's session cookie (set from a bearer token, cleared).
  'POST /admin/session': ADMIN,
  'DELETE /admin/session': ADMIN,
  // The queue dashboard (bull-board, a Fastify plugin guarded by its own onRequest hook that asks
  // the policy): every route, its static assets included. A route a bull-board upgrade adds fails
  // the matrix until it is listed here.
  'GET /admin/queues': ADMIN,
  'GET /admin/queues/api/job-schedulers': ADMIN,
  'GET /admin/queues/api/queues': ADMIN,
  'GET /admin/queues/api/queues/:queueName/:jobId': ADMIN,
  'GET /admin/queues/api/queues/:queueName/:jobId/flow': ADMIN,
  'GET /admin/queues/api/queues/:queueName/:jobId/logs': ADMIN,
  'GET /admin/queues/api/queues/:queueName/default-job-options': ADMIN,
  'GET /admin/queues/api/queues/:queueName/job-data-schema': ADMIN,
  'GET /admin/queues/api/queues/:queueName/metrics': ADMIN,
  'GET /admin/queues/api/queues/:queueName/rate-limit': ADMIN,
  'GET /admin/queues/api/queues/:queueName/workers': ADMIN,
  'GET /admin/queues/api/redis/stats': ADMIN,
  'GET /admin/queues/job-schedulers': ADMIN,
  'GET /admin/queues/metrics-history': ADMIN,
  'GET /admin/queues/queue/:queueName': ADMIN,
  'GET /admin/queues/queue/:queueName/:jobId': ADMIN,
  'GET /admin/queues/static/*': ADMIN,
  'PATCH /admin/queues/api/queues/:queueName/:jobId/delay': ADMIN,
  'PATCH /admin/queues/api/queues/:queueName/:jobId/priority': ADMIN,
  'PATCH /admin/queues/api/queues/:queueName/:jobId/update-data': ADMIN,
  'PATCH /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId': ADMIN,
  'POST /admin/queues/api/queues/:queueName/add': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/:jobId/clean': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/:jobId/promote': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/:jobId/remove-unprocessed-children': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/:jobId/retry': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/clean/:queueStatus': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/concurrency': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/empty': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/remove': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/job-schedulers/:schedulerId/run': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/obliterate': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/pause': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/promote': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/rate-limit': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/rate-limit/release': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/resume': ADMIN,
  'PUT /admin/queues/api/queues/:queueName/retry/:queueStatus': ADMIN,
  'PUT /admin/queues/api/queues/pause': ADMIN,
  'PUT /admin/queues/api/queues/resume': ADMIN,
};
