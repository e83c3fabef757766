/**
 * The login pages' style sheet, served as /oidc/assets/pages.css (a module, not a file, so the
 * build carries it into dist/ with the code). Logical properties only (margin-inline,
 * padding-inline-start, text-align: start...), so the Arabic pages mirror with `dir="rtl"`.
 * Colours: text #1b1b1b and links/buttons #0b4f8a on white (contrast above 7:1), errors #b3261e.
 */
export const PAGES_CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --accent: #0b4f8a;
  --accent-dark: #073a66; --error: #b3261e; --line: #5f6368; --bg: #f2f4f7; }
*, *::before, *::after { box-sizing: border-box; }
html { font-family: 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans SC', sans-serif; font-size: 100%;
  line-height: 1.5; color: var(--ink); background: var(--bg); }
html:lang(ar) { font-family: 'Noto Sans Arabic', 'Noto Sans', sans-serif; line-height: 1.7; }
html:lang(zh) { font-family: 'Noto Sans', 'Noto Sans SC', sans-serif; }
body { margin: 0; }
.page { max-inline-size: 34rem; margin-inline: auto; margin-block: 2rem; padding-block: 2rem;
  padding-inline: 2rem; background: #fff; border: 1px solid #c9ced6; border-radius: 0.5rem; }
.product { font-weight: 700; color: var(--accent); margin-block: 0 1rem; }
h1 { font-size: 1.75rem; line-height: 1.25; margin-block: 0 1rem; }
h2 { font-size: 1.25rem; line-height: 1.3; margin-block: 1.75rem 0.5rem; }
p { margin-block: 0 1rem; }
a { color: var(--accent); }
.field { margin-block-end: 1.25rem; }
label { display: block; font-weight: 700; margin-block-end: 0.25rem; }
.hint { display: block; color: var(--muted); margin-block-end: 0.25rem; }
.field-error { display: block; color: var(--error); font-weight: 700; margin-block-end: 0.25rem; }
input[type='text'], input[type='password'] { display: block; inline-size: 100%; font: inherit;
  padding-block: 0.5rem; padding-inline: 0.75rem; color: var(--ink); background: #fff;
  border: 2px solid var(--line); border-radius: 0.25rem; }
input.code { inline-size: 10rem; letter-spacing: 0.2em; direction: ltr; text-align: start; }
input[aria-invalid='true'] { border-color: var(--error); }
button { font: inherit; font-weight: 700; padding-block: 0.6rem; padding-inline: 1.25rem;
  color: #fff; background: var(--accent); border: 2px solid var(--accent); border-radius: 0.25rem;
  cursor: pointer; }
button:hover { background: var(--accent-dark); border-color: var(--accent-dark); }
button.secondary { color: var(--accent); background: #fff; }
button.secondary:hover { color: #fff; background: var(--accent-dark); }
button:disabled { cursor: progress; opacity: 0.8; }
:focus-visible { outline: 3px solid var(--ink); outline-offset: 3px; }
.actions { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; margin-block: 1rem; }
.or { text-align: center; color: var(--muted); margin-block: 1.5rem; }
.error-summary { border: 3px solid var(--error); padding-block: 1rem; padding-inline: 1rem;
  margin-block-end: 1.5rem; }
.error-summary h2 { font-size: 1.125rem; margin-block: 0 0.5rem; }
.error-summary ul { margin: 0; padding-inline-start: 1.25rem; }
.error-summary a, .error-summary li { color: var(--error); font-weight: 700; }
.notice { border-inline-start: 6px solid var(--accent); padding-inline-start: 1rem;
  margin-block: 0 1.5rem; }
.secret { display: block; font-family: ui-monospace, 'DejaVu Sans Mono', monospace;
  overflow-wrap: anywhere; direction: ltr; unicode-bidi: isolate; text-align: start;
  background: #eef1f4; padding-block: 0.5rem; padding-inline: 0.75rem; margin-block: 0 1rem; }
dt { font-weight: 700; }
dd { margin-inline-start: 0; }
section { border-block-start: 1px solid #c9ced6; margin-block-start: 1.5rem; }
[hidden] { display: none !important; }
`;
