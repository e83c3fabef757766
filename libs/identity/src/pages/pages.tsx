import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Language, PasswordProblem } from '../accounts/ports';
import { Document, ErrorSummary, Field, PasskeyButton, type PageError } from './components';
import { translator } from './i18n';

/**
 * The login pages, server-rendered with React (renderToStaticMarkup: every text and attribute
 * escaped by React, no hydration, no client framework). Each function returns a whole HTML
 * document; the caller sends it with {@link PAGES_CSP}. Forms POST; no personal data in titles or
 * URLs (a login name typed before is put back into its field only).
 */
export const renderPage = (page: ReactElement): string =>
  `<!DOCTYPE html>${renderToStaticMarkup(page)}`;

const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

export interface LoginPageProps {
  readonly language: Language;
  /** POST loginName, password. */
  readonly action: string;
  readonly passkey?: { readonly optionsUrl: string; readonly action: string };
  readonly error?: 'missing' | 'refused' | 'locked' | 'passkeyFailed';
  readonly retryAfterSeconds?: number;
  readonly loginName?: string;
  /** The password change page of this login (a link under the form). */
  readonly changePasswordUrl?: string;
}

export function loginPage(props: LoginPageProps): string {
  const t = translator(props.language);
  const errors: PageError[] = [];
  if (props.error === 'locked')
    errors.push({ message: t('login.locked', { count: minutes(props.retryAfterSeconds ?? 60) }) });
  else if (props.error === 'passkeyFailed') errors.push({ message: t('login.passkeyFailed') });
  else if (props.error) errors.push({ field: 'loginName', message: t(`login.${props.error}`) });
  return renderPage(
    <Document
      language={props.language}
      title={t('login.title')}
      scripts={['webauthn.js', 'pages.js']}
    >
      <ErrorSummary t={t} errors={errors} />
      <form method="post" action={props.action} noValidate>
        <Field
          id="loginName"
          label={t('login.loginName')}
          type="text"
          autoComplete="username webauthn"
          value={props.loginName}
          invalid={props.error === 'missing' || props.error === 'refused'}
        />
        <Field
          id="password"
          label={t('login.password')}
          type="password"
          autoComplete="current-password"
          invalid={props.error === 'missing' || props.error === 'refused'}
        />
        <div className="actions">
          <button type="submit">{t('login.submit')}</button>
        </div>
      </form>
      {props.changePasswordUrl && (
        <p>
          <a href={props.changePasswordUrl}>{t('change.title')}</a>
        </p>
      )}
      {props.passkey && (
        <>
          <p className="or">{t('login.or')}</p>
          <PasskeyButton
            t={t}
            id="passkey"
            mode="login"
            label={t('login.passkey')}
            optionsUrl={props.passkey.optionsUrl}
            action={props.passkey.action}
            failedMessage={t('login.passkeyFailed')}
          />
        </>
      )}
    </Document>,
  );
}

export interface SecondFactorPageProps {
  readonly language: Language;
  /** POST code; present when TOTP is enrolled. */
  readonly totpAction?: string;
  readonly passkey?: { readonly optionsUrl: string; readonly action: string };
  readonly error?: 'missing' | 'refused' | 'locked' | 'passkeyFailed';
  readonly retryAfterSeconds?: number;
}

export function secondFactorPage(props: SecondFactorPageProps): string {
  const t = translator(props.language);
  const errors: PageError[] = [];
  if (props.error === 'locked')
    errors.push({ message: t('login.locked', { count: minutes(props.retryAfterSeconds ?? 60) }) });
  else if (props.error === 'passkeyFailed') errors.push({ message: t('login.passkeyFailed') });
  else if (props.error) errors.push({ field: 'code', message: t(`secondFactor.${props.error}`) });
  return renderPage(
    <Document
      language={props.language}
      title={t('secondFactor.title')}
      scripts={['webauthn.js', 'pages.js']}
    >
      <ErrorSummary t={t} errors={errors} />
      {props.totpAction && (
        <form method="post" action={props.totpAction} noValidate>
          <p>{t('secondFactor.intro')}</p>
          <Field
            id="code"
            label={t('secondFactor.code')}
            hint={t('secondFactor.codeHint')}
            type="text"
            autoComplete="one-time-code"
            code
            invalid={props.error === 'missing' || props.error === 'refused'}
          />
          <div className="actions">
            <button type="submit">{t('secondFactor.submit')}</button>
          </div>
        </form>
      )}
      {props.passkey && (
        <PasskeyButton
          t={t}
          id="passkey"
          mode="login"
          label={t(props.totpAction ? 'secondFactor.passkey' : 'login.passkey')}
          optionsUrl={props.passkey.optionsUrl}
          action={props.passkey.action}
          failedMessage={t('login.passkeyFailed')}
        />
      )}
    </Document>,
  );
}

export interface EnrolPageProps {
  readonly language: Language;
  /** Whether the organisation requires a second factor (else it is offered). */
  readonly required: boolean;
  /** TOTP not yet confirmed: the new secret, shown as text and as an otpauth URI. */
  readonly totp?: { readonly secret: string; readonly otpauthUri: string; readonly action: string };
  readonly passkey?: { readonly optionsUrl: string; readonly action: string };
  /** What is already set up in this visit. */
  readonly enrolled?: { readonly totp?: boolean; readonly passkey?: boolean };
  readonly error?: 'missing' | 'refused' | 'passkeyFailed';
  /** POST: leave (when a factor is set up, or when none is required). */
  readonly finishAction?: string;
}

export function enrolPage(props: EnrolPageProps): string {
  const t = translator(props.language);
  const errors: PageError[] = [];
  if (props.error === 'passkeyFailed') errors.push({ message: t('enrol.passkeyFailed') });
  else if (props.error === 'missing')
    errors.push({ field: 'code', message: t('secondFactor.missing') });
  else if (props.error === 'refused')
    errors.push({ field: 'code', message: t('secondFactor.refused') });
  const done = Boolean(props.enrolled?.totp || props.enrolled?.passkey);
  return renderPage(
    <Document
      language={props.language}
      title={t('enrol.title')}
      scripts={['webauthn.js', 'pages.js']}
    >
      <ErrorSummary t={t} errors={errors} />
      <p className="notice">{t(props.required ? 'enrol.required' : 'enrol.offered')}</p>
      {props.enrolled?.totp && (
        <p role="status" className="notice">
          {t('enrol.totpAdded')}
        </p>
      )}
      {props.enrolled?.passkey && (
        <p role="status" className="notice">
          {t('enrol.passkeyAdded')}
        </p>
      )}
      {props.totp && !props.enrolled?.totp && (
        <section aria-labelledby="totp-heading">
          <h2 id="totp-heading">{t('enrol.totpHeading')}</h2>
          <p>{t('enrol.totpIntro')}</p>
          <dl>
            <dt>{t('enrol.secret')}</dt>
            <dd>
              <code className="secret" id="totp-secret">
                {props.totp.secret}
              </code>
            </dd>
            <dt>{t('enrol.uri')}</dt>
            <dd>
              <code className="secret" id="totp-uri">
                {props.totp.otpauthUri}
              </code>
            </dd>
          </dl>
          <form method="post" action={props.totp.action} noValidate>
            <Field
              id="code"
              label={t('enrol.code')}
              hint={t('secondFactor.codeHint')}
              type="text"
              autoComplete="one-time-code"
              code
              invalid={props.error === 'missing' || props.error === 'refused'}
            />
            <div className="actions">
              <button type="submit">{t('enrol.confirm')}</button>
            </div>
          </form>
        </section>
      )}
      {props.passkey && (
        <section aria-labelledby="passkey-heading">
          <h2 id="passkey-heading">{t('enrol.passkeyHeading')}</h2>
          <p>{t('enrol.passkeyIntro')}</p>
          <PasskeyButton
            t={t}
            id="passkey"
            mode="register"
            label={t('enrol.passkeyRegister')}
            optionsUrl={props.passkey.optionsUrl}
            action={props.passkey.action}
            failedMessage={t('enrol.passkeyFailed')}
          />
        </section>
      )}
      {props.finishAction && (done || !props.required) && (
        <form method="post" action={props.finishAction}>
          <div className="actions">
            <button type="submit" className={done ? undefined : 'secondary'}>
              {t(done ? 'enrol.finish' : 'enrol.later')}
            </button>
          </div>
        </form>
      )}
    </Document>,
  );
}

export type SetupError = PasswordProblem | 'mismatch' | 'missing' | 'expired';

export interface SetupPageProps {
  readonly language: Language;
  /** POST secret, password, repeat. */
  readonly action: string;
  /** After a refused POST: the secret the form posted, so the person can try again. */
  readonly secret?: string;
  readonly error?: SetupError;
}

/**
 * The one-time link's page, `/oidc/setup#<secret>`: setup.js moves the secret from the fragment
 * into the form (and out of the address bar); the form sets the password.
 */
export function setupPage(props: SetupPageProps): string {
  const t = translator(props.language);
  if (props.error === 'expired')
    return renderPage(
      <Document language={props.language} title={t('setup.title')}>
        <ErrorSummary t={t} errors={[{ message: t('setup.expired') }]} />
      </Document>,
    );
  const errors: PageError[] = props.error
    ? [
        {
          field: props.error === 'mismatch' ? 'repeat' : 'password',
          message: t(`password.${props.error}`),
        },
      ]
    : [];
  return renderPage(
    <Document language={props.language} title={t('setup.title')} scripts={['setup.js', 'pages.js']}>
      <ErrorSummary t={t} errors={errors} />
      <p id="no-secret" className="notice" role="alert" tabIndex={-1} hidden>
        {t('setup.noSecret')}
      </p>
      <form id="setup-form" method="post" action={props.action} noValidate>
        <input type="hidden" name="secret" defaultValue={props.secret ?? ''} />
        <p>{t('setup.intro')}</p>
        <Field
          id="password"
          label={t('setup.newPassword')}
          type="password"
          autoComplete="new-password"
          invalid={props.error !== undefined && props.error !== 'mismatch'}
        />
        <Field
          id="repeat"
          label={t('setup.repeat')}
          type="password"
          autoComplete="new-password"
          invalid={props.error === 'mismatch'}
        />
        <div className="actions">
          <button type="submit">{t('setup.submit')}</button>
        </div>
      </form>
    </Document>,
  );
}

/** After the one-time link: the password is set (enrolment follows on {@link enrolPage}). */
export function setupDonePage(props: { readonly language: Language; readonly appUrl?: string }) {
  const t = translator(props.language);
  return renderPage(
    <Document language={props.language} title={t('setup.done')}>
      <p role="status">{t('setup.signIn')}</p>
      {props.appUrl && (
        <p>
          <a href={props.appUrl}>{t('common.backToApp')}</a>
        </p>
      )}
    </Document>,
  );
}

export interface PasswordChangePageProps {
  readonly language: Language;
  /** POST loginName, current, password, repeat. */
  readonly action: string;
  readonly error?: PasswordProblem | 'mismatch' | 'missing' | 'refused' | 'locked';
  readonly retryAfterSeconds?: number;
  readonly done?: boolean;
  /** A login name typed before (put back into its field only). */
  readonly loginName?: string;
  /** Back to the sign-in page of this login. */
  readonly backUrl?: string;
}

export function passwordChangePage(props: PasswordChangePageProps): string {
  const t = translator(props.language);
  let errors: PageError[] = [];
  if (props.error === 'refused') errors = [{ field: 'loginName', message: t('change.refused') }];
  else if (props.error === 'locked')
    errors = [{ message: t('login.locked', { count: minutes(props.retryAfterSeconds ?? 60) }) }];
  else if (props.error)
    errors = [
      {
        field: props.error === 'mismatch' ? 'repeat' : 'password',
        message: t(`password.${props.error}`),
      },
    ];
  const fieldOf = (id: string) => errors.some((e) => e.field === id);
  return renderPage(
    <Document language={props.language} title={t('change.title')} scripts={['pages.js']}>
      <ErrorSummary t={t} errors={errors} />
      {props.done ? (
        <p role="status" className="notice">
          {t('change.done')}
        </p>
      ) : (
        <form method="post" action={props.action} noValidate>
          <Field
            id="loginName"
            label={t('login.loginName')}
            type="text"
            autoComplete="username"
            value={props.loginName}
            invalid={fieldOf('loginName')}
          />
          <Field
            id="current"
            label={t('change.current')}
            type="password"
            autoComplete="current-password"
            invalid={fieldOf('loginName')}
          />
          <Field
            id="password"
            label={t('setup.newPassword')}
            type="password"
            autoComplete="new-password"
            invalid={fieldOf('password')}
          />
          <Field
            id="repeat"
            label={t('setup.repeat')}
            type="password"
            autoComplete="new-password"
            invalid={fieldOf('repeat')}
          />
          <div className="actions">
            <button type="submit">{t('change.submit')}</button>
          </div>
        </form>
      )}
      {props.backUrl && (
        <p>
          <a href={props.backUrl}>{t('change.back')}</a>
        </p>
      )}
    </Document>,
  );
}

/**
 * The provider's logout prompt. `providerForm` is oidc-provider's own `<form>` (its action and
 * its xsrf token, built by the library, not from input); the buttons submit it.
 */
export function logoutPage(props: { readonly language: Language; readonly providerForm: string }) {
  const t = translator(props.language);
  return renderPage(
    <Document language={props.language} title={t('logout.title')}>
      <p>{t('logout.question')}</p>
      <div hidden dangerouslySetInnerHTML={{ __html: props.providerForm }} />
      <div className="actions">
        <button type="submit" form="op.logoutForm" name="logout" value="yes">
          {t('logout.yes')}
        </button>
        <button type="submit" form="op.logoutForm" className="secondary">
          {t('logout.no')}
        </button>
      </div>
    </Document>,
  );
}

export function loggedOutPage(props: { readonly language: Language; readonly appUrl?: string }) {
  const t = translator(props.language);
  return renderPage(
    <Document language={props.language} title={t('loggedOut.title')}>
      <p role="status">{t('loggedOut.body')}</p>
      {props.appUrl && (
        <p>
          <a href={props.appUrl}>{t('common.backToApp')}</a>
        </p>
      )}
    </Document>,
  );
}

/** An OpenID error: its code only (a description may echo the request). */
export function errorPage(props: {
  readonly language: Language;
  readonly code?: string;
  readonly expired?: boolean;
}) {
  const t = translator(props.language);
  return renderPage(
    <Document language={props.language} title={t('error.title')}>
      {props.expired ? (
        <p>{t('error.expired')}</p>
      ) : (
        <>
          <p>{t('error.body')}</p>
          <p>
            <code className="secret">{props.code ?? 'server_error'}</code>
          </p>
        </>
      )}
    </Document>,
  );
}

export function tooManyRequestsPage(props: {
  readonly language: Language;
  readonly retryAfterSeconds: number;
}) {
  const t = translator(props.language);
  return renderPage(
    <Document language={props.language} title={t('tooMany.title')}>
      <p role="alert">{t('tooMany.body', { count: Math.max(1, props.retryAfterSeconds) })}</p>
    </Document>,
  );
}
