import type { ReactNode } from 'react';
import type { Language } from '../accounts/ports';
import { ASSETS_PATH } from './assets';
import { directionOf, translator, type Translate } from './i18n';

/** A message of the error summary; `field` is the id of the input it links to, if any. */
export interface PageError {
  readonly field?: string;
  readonly message: string;
}

/**
 * The frame of every login page: `<html lang dir>` (right to left for Arabic), the page's title
 * (never personal data), the style sheets and scripts of /oidc/assets (no inline script or style:
 * the CSP forbids both), one `<main>` landmark with the product name and one `<h1>`.
 */
export function Document(props: {
  readonly language: Language;
  readonly title: string;
  readonly scripts?: readonly string[];
  readonly children: ReactNode;
}) {
  const t = translator(props.language);
  return (
    <html lang={props.language} dir={directionOf(props.language)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${props.title} – ${t('common.product')}`}</title>
        <link rel="stylesheet" href={`${ASSETS_PATH}/fonts.css`} />
        <link rel="stylesheet" href={`${ASSETS_PATH}/pages.css`} />
        {(props.scripts ?? []).map((name) => (
          <script key={name} src={`${ASSETS_PATH}/${name}`} defer />
        ))}
      </head>
      <body>
        <main className="page">
          <p className="product">{t('common.product')}</p>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/**
 * The errors of a submitted form, first on the page: `role="alert"` (announced at once), focused
 * by pages.js, each message linking to its field.
 */
export function ErrorSummary(props: {
  readonly t: Translate;
  readonly errors: readonly PageError[];
}) {
  if (props.errors.length === 0) return null;
  return (
    <div
      className="error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      data-error-summary=""
    >
      <h2 id="error-summary-title">{props.t('common.errorSummary')}</h2>
      <ul>
        {props.errors.map((error) => (
          <li key={error.message}>
            {error.field ? <a href={`#${error.field}`}>{error.message}</a> : error.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A labelled input with its hint and its error, both referenced by `aria-describedby`. */
export function Field(props: {
  readonly id: string;
  readonly name?: string;
  readonly label: string;
  readonly type: 'text' | 'password';
  readonly autoComplete: string;
  readonly hint?: string;
  readonly error?: string | undefined;
  /** Marks the input invalid (its message is in the error summary). */
  readonly invalid?: boolean;
  readonly value?: string | undefined;
  readonly code?: boolean;
}) {
  const described = [props.hint && `${props.id}-hint`, props.error && `${props.id}-error`]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint && (
        <span className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      )}
      {props.error && (
        <span className="field-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      )}
      <input
        id={props.id}
        name={props.name ?? props.id}
        type={props.type}
        autoComplete={props.autoComplete}
        required
        spellCheck={false}
        autoCapitalize="none"
        className={props.code ? 'code' : undefined}
        inputMode={props.code ? 'numeric' : undefined}
        pattern={props.code ? '[0-9]{6}' : undefined}
        maxLength={props.code ? 6 : undefined}
        defaultValue={props.value}
        aria-invalid={props.invalid || props.error ? true : undefined}
        aria-describedby={described || undefined}
      />
    </div>
  );
}

/**
 * A passkey button (hidden until pages.js finds WebAuthn), its hidden form (the ceremony's answer
 * is posted as an ordinary form) and its two messages (failed, unsupported), announced when shown.
 */
export function PasskeyButton(props: {
  readonly t: Translate;
  readonly id: string;
  readonly mode: 'login' | 'register';
  readonly label: string;
  /** POST: answers `{ challengeId, options }` (JSON). */
  readonly optionsUrl: string;
  /** POST (form): `challengeId`, `response` (JSON text). */
  readonly action: string;
  readonly failedMessage: string;
}) {
  return (
    <>
      <button
        type="button"
        className="secondary"
        id={props.id}
        hidden
        data-passkey={props.mode}
        data-options={props.optionsUrl}
        data-form={`${props.id}-form`}
        data-failed={`${props.id}-failed`}
        data-unsupported={`${props.id}-unsupported`}
      >
        {props.label}
      </button>
      <form id={`${props.id}-form`} method="post" action={props.action} hidden>
        <input type="hidden" name="challengeId" />
        <input type="hidden" name="response" />
      </form>
      <p id={`${props.id}-failed`} className="field-error" role="alert" tabIndex={-1} hidden>
        {props.failedMessage}
      </p>
      <p id={`${props.id}-unsupported`} className="hint" tabIndex={-1} hidden>
        {props.t('common.passkeyUnsupported')}
      </p>
    </>
  );
}
