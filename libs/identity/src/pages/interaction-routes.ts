import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import { MemoryRateLimitStorage } from '@remedy/http';
import {
  type FactorResult,
  type IdentityAccounts,
  isLanguage,
  type Language,
  type SecondFactor,
} from '../accounts/ports';
import { PAGES_CSP, registerPageAssets } from './assets';
import { pickLanguage } from './i18n';
import {
  enrolPage,
  errorPage,
  loginPage,
  passwordChangePage,
  secondFactorPage,
  setupDonePage,
  setupPage,
  tooManyRequestsPage,
} from './pages';

/** What these routes use of an oidc-provider `Provider` (the library ships no types). */
export interface InteractionProvider {
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionResult(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<string>;
  readonly Grant: {
    new (properties: { accountId: string; clientId: string }): GrantLike;
    find(id: string): Promise<GrantLike | undefined>;
  };
}
interface GrantLike {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(indicator: string, scope: string): void;
  save(): Promise<string>;
}
interface InteractionDetails {
  readonly uid: string;
  readonly prompt: { readonly name: string; readonly details: Record<string, unknown> };
  readonly params: Record<string, unknown>;
  readonly session?: { readonly accountId?: string };
  readonly grantId?: string;
  result?: Record<string, unknown> | undefined;
  persist(): Promise<unknown>;
}

/**
 * Where a login stands between its steps, kept in the provider's interaction (server side, in its
 * store, gone with the interaction): the password was right, a second factor (or its enrolment)
 * follows. A `result` without `login` signs no one in if the browser jumps ahead.
 */
interface PendingLogin {
  readonly userId: string;
  readonly stage: 'second_factor' | 'enrol';
  readonly factors: readonly SecondFactor[];
  readonly amr: readonly string[];
  readonly enrolled?: { totp?: boolean; passkey?: boolean };
}

export interface LoginRoutesOptions {
  readonly provider: InteractionProvider;
  readonly accounts: IdentityAccounts;
  /**
   * Signs the one-time link page's short state cookie (the account whose password was just set,
   * while it enrols a second factor). At least 32 bytes, shared by every API instance (e.g. one
   * of the provider's cookie keys).
   */
  readonly stateKey: Uint8Array;
  /** The console, for "back to the application" (e.g. `<publicUrl>/`). */
  readonly appUrl?: string;
  /** Cookies marked Secure (public URL in https). */
  readonly secureCookies?: boolean;
  /** Form posts per client address per minute on these routes (default 30); then 429. */
  readonly postsPerMinute?: number;
}

const INTERACTION = '/oidc/interaction/:uid';
const SETUP = '/oidc/setup';
const SETUP_COOKIE = 'remedy_setup';
const SETUP_TTL_SECONDS = 900;

type Body = Record<string, unknown>;
const field = (body: unknown, name: string): string => {
  const value = (body as Body | undefined)?.[name];
  return typeof value === 'string' ? value : '';
};
const jsonField = (body: unknown, name: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = JSON.parse(field(body, name));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
};

const sendHtml = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('content-security-policy', PAGES_CSP)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);

const languageOf = (request: FastifyRequest, uiLocales?: unknown): Language =>
  pickLanguage(
    typeof uiLocales === 'string' ? uiLocales : undefined,
    request.headers['accept-language'],
  );

/**
 * The embedded provider's HTML pages and their form posts, registered on the API's Fastify in
 * their own scope (urlencoded bodies parsed here only):
 *
 * - `GET /oidc/interaction/:uid`: the login page, or the second factor, or its enrolment,
 *   whichever the interaction is at; `POST .../login`, `.../totp`, `.../passkey/options`,
 *   `.../passkey`, `.../enrol/totp`, `.../enrol/passkey/options`, `.../enrol/passkey`,
 *   `.../enrol/finish`, `GET .../abort`;
 * - `GET /oidc/setup` (the one-time link, secret in the fragment), `POST /oidc/setup`, then
 *   `GET /oidc/setup/enrol` and its posts, `POST /oidc/setup/finish`;
 * - `GET /oidc/assets/*`.
 *
 * Every POST counts against a per-address limit (429 page with Retry-After), besides the
 * accounts' own lockout per account.
 */
export async function registerLoginRoutes(
  fastify: FastifyInstance,
  options: LoginRoutesOptions,
): Promise<void> {
  // Not awaited: awaiting a registration makes Fastify load every plugin queued so far at once,
  // before Nest has finished its own set-up, and the API's body-parsing errors (400, 413, 415)
  // then left Fastify as plain JSON instead of problem documents. Loaded with the rest at ready.
  void fastify.register(async (scope) => {
    // Every answer of these routes (pages, their assets, JSON of the passkey options, 404s)
    // carries the pages' CSP, in place of the API's (set on the reply before this hook).
    scope.addHook('onRequest', async (_request, reply) => {
      void reply.header('content-security-policy', PAGES_CSP);
    });
    // Form posts parsed here by @fastify/formbody (an app's own urlencoded parser, e.g. Nest's,
    // is replaced in this scope only).
    if (scope.hasContentTypeParser('application/x-www-form-urlencoded'))
      scope.removeContentTypeParser('application/x-www-form-urlencoded');
    await scope.register(formbody, { bodyLimit: 65_536 });
    registerPageAssets(scope);
    const limiter = new MemoryRateLimitStorage();
    scope.addHook('onClose', async () => limiter.close());
    const perMinute = options.postsPerMinute ?? 30;
    scope.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST') return;
      const key = createHash('sha256').update(`login-pages:${request.ip}`).digest('base64url');
      const record = await limiter.increment(key, 60_000, perMinute, 60_000);
      if (!record.isBlocked) return;
      const seconds = Math.max(1, record.timeToBlockExpire);
      void reply.header('retry-after', String(seconds));
      return sendHtml(
        reply,
        429,
        tooManyRequestsPage({ language: languageOf(request), retryAfterSeconds: seconds }),
      );
    });
    registerInteraction(scope, options);
    registerSetup(scope, options);
  });
}

function registerInteraction(fastify: FastifyInstance, options: LoginRoutesOptions): void {
  const { provider, accounts } = options;
  const base = (uid: string) => `/oidc/interaction/${encodeURIComponent(uid)}`;

  /** The interaction of this request (its cookie), or an "expired" page already sent. */
  const detailsOf = async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const details = await provider.interactionDetails(request.raw, reply.raw);
      const { uid } = request.params as { uid: string };
      if (details.uid !== uid) throw new Error('interaction mismatch');
      return details;
    } catch {
      await sendHtml(reply, 400, errorPage({ language: languageOf(request), expired: true }));
      return undefined;
    }
  };

  const pendingOf = (details: InteractionDetails): PendingLogin | undefined => {
    const pending = details.result?.remedyPending as PendingLogin | undefined;
    return pending && typeof pending.userId === 'string' ? pending : undefined;
  };

  const savePending = async (details: InteractionDetails, pending: PendingLogin) => {
    details.result = { remedyPending: pending };
    await details.persist();
  };

  const finish = async (
    request: FastifyRequest,
    reply: FastifyReply,
    result: Record<string, unknown>,
  ) => {
    const to = await provider.interactionResult(request.raw, reply.raw, result, {
      mergeWithLastSubmission: false,
    });
    return reply.redirect(to, 303);
  };

  const signIn = (
    request: FastifyRequest,
    reply: FastifyReply,
    userId: string,
    amr: readonly string[],
  ) => finish(request, reply, { login: { accountId: userId, amr: [...amr] } });

  const passkeyUrls = (uid: string) => ({
    optionsUrl: `${base(uid)}/passkey/options`,
    action: `${base(uid)}/passkey`,
  });

  const renderStep = async (
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    status: number,
    extra: {
      error?: 'missing' | 'refused' | 'locked' | 'passkeyFailed';
      retryAfterSeconds?: number;
      loginName?: string;
    } = {},
  ) => {
    const language = languageOf(request, details.params.ui_locales);
    const pending = pendingOf(details);
    const uid = details.uid;
    const common = {
      language,
      ...(extra.error ? { error: extra.error } : {}),
      ...(extra.retryAfterSeconds !== undefined
        ? { retryAfterSeconds: extra.retryAfterSeconds }
        : {}),
    };
    if (!pending)
      return sendHtml(
        reply,
        status,
        loginPage({
          ...common,
          action: `${base(uid)}/login`,
          passkey: passkeyUrls(uid),
          changePasswordUrl: `${base(uid)}/password`,
          ...(extra.loginName ? { loginName: extra.loginName } : {}),
        }),
      );
    if (pending.stage === 'second_factor')
      return sendHtml(
        reply,
        status,
        secondFactorPage({
          ...common,
          ...(pending.factors.includes('totp') ? { totpAction: `${base(uid)}/totp` } : {}),
          ...(pending.factors.includes('passkey') ? { passkey: passkeyUrls(uid) } : {}),
        }),
      );
    const enrolled = pending.enrolled ?? {};
    const totp = enrolled.totp ? undefined : await accounts.beginTotpEnrolment(pending.userId);
    return sendHtml(
      reply,
      status,
      enrolPage({
        language,
        required: true,
        ...(totp ? { totp: { ...totp, action: `${base(uid)}/enrol/totp` } } : {}),
        passkey: {
          optionsUrl: `${base(uid)}/enrol/passkey/options`,
          action: `${base(uid)}/enrol/passkey`,
        },
        enrolled,
        finishAction: `${base(uid)}/enrol/finish`,
        ...(extra.error && extra.error !== 'locked' ? { error: extra.error } : {}),
      }),
    );
  };

  fastify.get(INTERACTION, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    if (details.prompt.name === 'consent') return grantConsent(request, reply, details);
    return renderStep(request, reply, details, 200);
  });

  /** The console is first-party: its consent is given without a page (no third-party clients). */
  const grantConsent = async (
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
  ) => {
    const accountId = details.session?.accountId;
    if (!accountId) return renderStep(request, reply, details, 200);
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    if (!grant) return renderStep(request, reply, details, 200);
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    return finish(request, reply, { consent: { grantId: await grant.save() } });
  };

  fastify.post(`${INTERACTION}/login`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    const loginName = field(request.body, 'loginName').trim();
    const password = field(request.body, 'password');
    if (!loginName || !password)
      return renderStep(request, reply, details, 400, { error: 'missing', loginName });
    if (loginName.length > 200 || password.length > 1024)
      return renderStep(request, reply, details, 400, { error: 'refused' });
    const result = await accounts.passwordLogin(loginName, password, { ip: request.ip });
    switch (result.kind) {
      case 'signed_in':
        return signIn(request, reply, result.userId, ['pwd']);
      case 'second_factor':
        await savePending(details, {
          userId: result.userId,
          stage: 'second_factor',
          factors: result.factors,
          amr: ['pwd'],
        });
        return reply.redirect(base(details.uid), 303);
      case 'enrol_second_factor':
        await savePending(details, {
          userId: result.userId,
          stage: 'enrol',
          factors: [],
          amr: ['pwd'],
        });
        return reply.redirect(base(details.uid), 303);
      case 'locked':
        return renderStep(request, reply, details, 200, {
          error: 'locked',
          retryAfterSeconds: result.retryAfterSeconds,
          loginName,
        });
      default:
        return renderStep(request, reply, details, 200, { error: 'refused', loginName });
    }
  });

  const afterFactor = (
    request: FastifyRequest,
    reply: FastifyReply,
    details: InteractionDetails,
    result: FactorResult,
    amr: readonly string[],
    failure: 'refused' | 'passkeyFailed',
  ) => {
    if (result.kind === 'signed_in') return signIn(request, reply, result.userId, amr);
    if (result.kind === 'locked')
      return renderStep(request, reply, details, 200, {
        error: 'locked',
        retryAfterSeconds: result.retryAfterSeconds,
      });
    return renderStep(request, reply, details, 200, { error: failure });
  };

  fastify.post(`${INTERACTION}/totp`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    const pending = pendingOf(details);
    if (pending?.stage !== 'second_factor') return reply.redirect(base(details.uid), 303);
    const code = field(request.body, 'code').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code))
      return renderStep(request, reply, details, 400, { error: 'missing' });
    const result = await accounts.totpLogin(pending.userId, code, { ip: request.ip });
    return afterFactor(request, reply, details, result, [...pending.amr, 'otp'], 'refused');
  });

  fastify.post(`${INTERACTION}/passkey/options`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    return reply.header('cache-control', 'no-store').send(await accounts.passkeyLoginOptions());
  });

  fastify.post(`${INTERACTION}/passkey`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    const challengeId = field(request.body, 'challengeId');
    const response = jsonField(request.body, 'response');
    if (!challengeId || !response)
      return renderStep(request, reply, details, 400, { error: 'passkeyFailed' });
    const pending = pendingOf(details);
    const context = { ip: request.ip };
    const result =
      pending?.stage === 'second_factor'
        ? await accounts.passkeySecondFactor(pending.userId, challengeId, response, context)
        : await accounts.passkeyLogin(challengeId, response, context);
    const amr = pending ? [...pending.amr, 'hwk'] : ['hwk', 'user'];
    return afterFactor(request, reply, details, result, amr, 'passkeyFailed');
  });

  const enrolling = async (request: FastifyRequest, reply: FastifyReply) => {
    const details = await detailsOf(request, reply);
    if (!details) return undefined;
    const pending = pendingOf(details);
    if (pending?.stage !== 'enrol') {
      await reply.redirect(base(details.uid), 303);
      return undefined;
    }
    return { details, pending };
  };

  fastify.post(`${INTERACTION}/enrol/totp`, async (request, reply) => {
    const step = await enrolling(request, reply);
    if (!step) return reply;
    const code = field(request.body, 'code').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code))
      return renderStep(request, reply, step.details, 400, { error: 'missing' });
    if (!(await accounts.confirmTotpEnrolment(step.pending.userId, code)))
      return renderStep(request, reply, step.details, 200, { error: 'refused' });
    await savePending(step.details, {
      ...step.pending,
      enrolled: { ...step.pending.enrolled, totp: true },
      amr: [...step.pending.amr, 'otp'],
    });
    return reply.redirect(base(step.details.uid), 303);
  });

  fastify.post(`${INTERACTION}/enrol/passkey/options`, async (request, reply) => {
    const step = await enrolling(request, reply);
    if (!step) return reply;
    return reply
      .header('cache-control', 'no-store')
      .send(await accounts.passkeyRegistrationOptions(step.pending.userId));
  });

  fastify.post(`${INTERACTION}/enrol/passkey`, async (request, reply) => {
    const step = await enrolling(request, reply);
    if (!step) return reply;
    const challengeId = field(request.body, 'challengeId');
    const response = jsonField(request.body, 'response');
    const ok =
      challengeId !== '' &&
      response !== undefined &&
      (await accounts.verifyPasskeyRegistration(step.pending.userId, challengeId, response));
    if (!ok) return renderStep(request, reply, step.details, 200, { error: 'passkeyFailed' });
    await savePending(step.details, {
      ...step.pending,
      enrolled: { ...step.pending.enrolled, passkey: true },
    });
    return reply.redirect(base(step.details.uid), 303);
  });

  fastify.post(`${INTERACTION}/enrol/finish`, async (request, reply) => {
    const step = await enrolling(request, reply);
    if (!step) return reply;
    const enrolled = step.pending.enrolled ?? {};
    if (!enrolled.totp && !enrolled.passkey) return reply.redirect(base(step.details.uid), 303);
    // passwordLogin audited no login on this path (a factor had to be enrolled first): now it is.
    await accounts.recordLogin(step.pending.userId);
    return signIn(request, reply, step.pending.userId, step.pending.amr);
  });

  // The password change of a person at the login (login name, current and new password), within
  // the interaction: then back to the sign-in page, where the new password (and any second
  // factor) signs in. A wrong current password counts towards the account's lockout.
  const changeAction = (uid: string) => `${base(uid)}/password`;
  fastify.get(`${INTERACTION}/password`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    return sendHtml(
      reply,
      200,
      passwordChangePage({
        language: languageOf(request, details.params.ui_locales),
        action: changeAction(details.uid),
        backUrl: base(details.uid),
      }),
    );
  });

  fastify.post(`${INTERACTION}/password`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    const language = languageOf(request, details.params.ui_locales);
    const loginName = field(request.body, 'loginName').trim();
    const current = field(request.body, 'current');
    const password = field(request.body, 'password');
    const repeat = field(request.body, 'repeat');
    const again = (
      status: number,
      error: NonNullable<Parameters<typeof passwordChangePage>[0]['error']>,
      retryAfterSeconds?: number,
    ) =>
      sendHtml(
        reply,
        status,
        passwordChangePage({
          language,
          action: changeAction(details.uid),
          backUrl: base(details.uid),
          error,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
          ...(loginName && loginName.length <= 200 ? { loginName } : {}),
        }),
      );
    if (!loginName || !current || loginName.length > 200 || current.length > 1024)
      return again(400, 'refused');
    if (!password) return again(400, 'missing');
    if (password !== repeat) return again(400, 'mismatch');
    const result = await accounts.changePassword(loginName, current, password, { ip: request.ip });
    if (!result.ok)
      return again(
        result.problem === 'refused' || result.problem === 'locked' ? 200 : 400,
        result.problem,
        result.retryAfterSeconds,
      );
    return sendHtml(
      reply,
      200,
      passwordChangePage({
        language,
        action: changeAction(details.uid),
        backUrl: base(details.uid),
        done: true,
      }),
    );
  });

  fastify.get(`${INTERACTION}/abort`, async (request, reply) => {
    const details = await detailsOf(request, reply);
    if (!details) return reply;
    return finish(request, reply, {
      error: 'access_denied',
      error_description: 'The person cancelled the sign-in.',
    });
  });
}

interface SetupState {
  readonly userId: string;
  readonly language: Language;
  readonly required: boolean;
  readonly enrolled: { totp?: boolean; passkey?: boolean };
}

function registerSetup(fastify: FastifyInstance, options: LoginRoutesOptions): void {
  const { accounts } = options;
  const audience = 'remedy-login-setup';

  const cookieOf = (request: FastifyRequest): string | undefined => {
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === SETUP_COOKIE) return value.join('=');
    }
    return undefined;
  };
  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    reply.header(
      'set-cookie',
      `${SETUP_COOKIE}=${value}; Path=${SETUP}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}` +
        (options.secureCookies ? '; Secure' : ''),
    );

  const saveState = async (reply: FastifyReply, state: SetupState) => {
    const token = await new SignJWT({ l: state.language, r: state.required, e: state.enrolled })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(state.userId)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(`${SETUP_TTL_SECONDS}s`)
      .sign(options.stateKey);
    setCookie(reply, token, SETUP_TTL_SECONDS);
  };

  const stateOf = async (request: FastifyRequest): Promise<SetupState | undefined> => {
    const token = cookieOf(request);
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, options.stateKey, {
        audience,
        algorithms: ['HS256'],
      });
      if (typeof payload.sub !== 'string') return undefined;
      return {
        userId: payload.sub,
        language: isLanguage(payload.l) ? payload.l : 'en',
        required: payload.r === true,
        enrolled: (payload.e as SetupState['enrolled'] | undefined) ?? {},
      };
    } catch {
      return undefined;
    }
  };

  const expired = (request: FastifyRequest, reply: FastifyReply) =>
    sendHtml(
      reply,
      400,
      setupPage({ language: languageOf(request), action: SETUP, error: 'expired' }),
    );

  const renderEnrol = async (
    reply: FastifyReply,
    state: SetupState,
    status: number,
    error?: 'missing' | 'refused' | 'passkeyFailed',
  ) => {
    const totp = state.enrolled.totp ? undefined : await accounts.beginTotpEnrolment(state.userId);
    return sendHtml(
      reply,
      status,
      enrolPage({
        language: state.language,
        required: state.required,
        ...(totp ? { totp: { ...totp, action: `${SETUP}/enrol/totp` } } : {}),
        passkey: {
          optionsUrl: `${SETUP}/enrol/passkey/options`,
          action: `${SETUP}/enrol/passkey`,
        },
        enrolled: state.enrolled,
        finishAction: `${SETUP}/finish`,
        ...(error ? { error } : {}),
      }),
    );
  };

  fastify.get(SETUP, async (request, reply) =>
    sendHtml(reply, 200, setupPage({ language: languageOf(request), action: SETUP })),
  );

  fastify.post(SETUP, async (request, reply) => {
    const secret = field(request.body, 'secret').trim();
    const password = field(request.body, 'password');
    const repeat = field(request.body, 'repeat');
    const link = secret && secret.length <= 512 ? await accounts.inspectLink(secret) : undefined;
    if (!link) return expired(request, reply);
    const again = (
      error: 'missing' | 'mismatch' | 'too_short' | 'too_long' | 'same_as_login_name',
    ) => sendHtml(reply, 400, setupPage({ language: link.language, action: SETUP, secret, error }));
    if (!password) return again('missing');
    if (password !== repeat) return again('mismatch');
    const result = await accounts.completeLink(secret, password);
    if (!result.ok)
      return result.problem === 'link_expired_or_used'
        ? expired(request, reply)
        : again(result.problem);
    await saveState(reply, {
      userId: result.userId,
      language: link.language,
      required: link.secondFactorRequired,
      enrolled: {},
    });
    return reply.redirect(`${SETUP}/enrol`, 303);
  });

  fastify.get(`${SETUP}/enrol`, async (request, reply) => {
    const state = await stateOf(request);
    if (!state) return expired(request, reply);
    return renderEnrol(reply, state, 200);
  });

  fastify.post(`${SETUP}/enrol/totp`, async (request, reply) => {
    const state = await stateOf(request);
    if (!state) return expired(request, reply);
    const code = field(request.body, 'code').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return renderEnrol(reply, state, 400, 'missing');
    if (!(await accounts.confirmTotpEnrolment(state.userId, code)))
      return renderEnrol(reply, state, 200, 'refused');
    await saveState(reply, { ...state, enrolled: { ...state.enrolled, totp: true } });
    return reply.redirect(`${SETUP}/enrol`, 303);
  });

  fastify.post(`${SETUP}/enrol/passkey/options`, async (request, reply) => {
    const state = await stateOf(request);
    if (!state) return expired(request, reply);
    return reply
      .header('cache-control', 'no-store')
      .send(await accounts.passkeyRegistrationOptions(state.userId));
  });

  fastify.post(`${SETUP}/enrol/passkey`, async (request, reply) => {
    const state = await stateOf(request);
    if (!state) return expired(request, reply);
    const challengeId = field(request.body, 'challengeId');
    const response = jsonField(request.body, 'response');
    const ok =
      challengeId !== '' &&
      response !== undefined &&
      (await accounts.verifyPasskeyRegistration(state.userId, challengeId, response));
    if (!ok) return renderEnrol(reply, state, 200, 'passkeyFailed');
    await saveState(reply, { ...state, enrolled: { ...state.enrolled, passkey: true } });
    return reply.redirect(`${SETUP}/enrol`, 303);
  });

  fastify.post(`${SETUP}/finish`, async (request, reply) => {
    const state = await stateOf(request);
    if (!state) return expired(request, reply);
    if (state.required && !state.enrolled.totp && !state.enrolled.passkey)
      return reply.redirect(`${SETUP}/enrol`, 303);
    setCookie(reply, '', 0);
    return sendHtml(
      reply,
      200,
      setupDonePage({
        language: state.language,
        ...(options.appUrl ? { appUrl: options.appUrl } : {}),
      }),
    );
  });
}
