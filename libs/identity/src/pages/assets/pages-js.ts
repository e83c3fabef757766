/**
 * The login pages' scripts, served from /oidc/assets/ (modules, not files, so the build carries
 * them into dist/). No inline script anywhere: the pages' CSP is `script-src 'self'`.
 *
 * pages.js: moves focus to the error summary when a page shows one; runs the passkey buttons
 * (`data-passkey="login|register"`): asks the server for options (POST, JSON), runs the WebAuthn
 * ceremony with @simplewebauthn/browser (served as webauthn.js), then posts the answer with an
 * ordinary form (the server redirects). Buttons stay hidden where WebAuthn is missing.
 *
 * setup.js: the one-time link's secret travels in the URL fragment (never sent to a server, never
 * in a log); the script copies it into the form's hidden field and removes it from the address bar
 * and history at once.
 */
export const PAGES_JS = `(function () {
  'use strict';
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();
  var W = window.SimpleWebAuthnBrowser;
  var supported = !!(W && W.browserSupportsWebAuthn());
  function show(id) {
    var el = id && document.getElementById(id);
    if (el) { el.hidden = false; el.focus(); }
  }
  document.querySelectorAll('[data-passkey]').forEach(function (button) {
    if (!supported) { show(button.getAttribute('data-unsupported')); return; }
    button.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      fetch(button.getAttribute('data-options'), {
        method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' }
      }).then(function (answer) {
        if (!answer.ok) throw new Error('options');
        return answer.json();
      }).then(function (start) {
        var ceremony = button.getAttribute('data-passkey') === 'register'
          ? W.startRegistration : W.startAuthentication;
        return ceremony({ optionsJSON: start.options }).then(function (response) {
          var form = document.getElementById(button.getAttribute('data-form'));
          form.elements.challengeId.value = start.challengeId;
          form.elements.response.value = JSON.stringify(response);
          form.submit();
        });
      }).catch(function () {
        button.disabled = false;
        show(button.getAttribute('data-failed'));
      });
    });
  });
})();
`;

export const SETUP_JS = `(function () {
  'use strict';
  var secret = window.location.hash.slice(1);
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  var form = document.getElementById('setup-form');
  if (!form) return;
  if (secret) form.elements.secret.value = decodeURIComponent(secret);
  if (!form.elements.secret.value) {
    form.hidden = true;
    var missing = document.getElementById('no-secret');
    if (missing) { missing.hidden = false; missing.focus(); }
  }
})();
`;
