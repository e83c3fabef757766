/// <reference lib="dom" />
import type { Browser, Locator } from 'playwright-core';
import { OPEN_CASE_BODY } from '../faults/support/real-api';
import { axeViolations, launchBrowser } from '../support/web-browser';
import { CasePage } from '../support/web-case-page';
import { startRealConsole, type ConsoleUser, type RealConsole } from '../support/web-real-console';
import { expectNothingPersonal, logIn, msg, type Language } from '../support/web-session';

/**
 * The case page and its command forms (apps/web/src/cases, apps/web/src/commands) in Chromium,
 * end to end against the real API (apps/api ApiModule serving the built console) and the real
 * worker (apps/worker WorkerModule: the projections every screen reads) on a fresh database and
 * data folder, as `npm start` runs them with zero set-up. The lifecycle walked in the console, in
 * English and in Arabic, axe on each screen: open → presumed victim → consent → reflection period
 * → assistance while the person declines police cooperation → a referral accepted by a second
 * organisation's caseworker (another browser context) → minority presumed: the next referral
 * refused until a supervisor records the best-interests assessment through the console, then
 * recorded → closure requested, its best-interests assessment and approval by a supervisor →
 * reopened → the person withdraws the consent to the referral (the receiver's next page shows
 * the case gone). And a conflict between two browser contexts (the second sees what changed, keeps its
 * input, submits again).
 */

describe('the console case page, on the real API and worker (issue 16: CASES)', () => {
  let api: RealConsole;
  let browser: Browser;
  let holder: { organisationId: string; caseworker: ConsoleUser; supervisor: ConsoleUser };
  let receiver: { organisationId: string; caseworker: ConsoleUser; supervisor: ConsoleUser };
  /** Code-list labels by language, list and code, as the API gives them. */
  const labels: Record<Language, Map<string, string>> = { en: new Map(), ar: new Map() };
  const RECEIVER = 'Shelter Network';

  beforeAll(async () => {
    api = await startRealConsole(
      'web-cases',
      { REMEDY_JURISDICTION_TIMEZONE: 'Europe/Vienna' },
      { worker: true },
    );
    holder = await api.organisation('Safe Harbour', 'SAFE');
    receiver = await api.organisation(RECEIVER, 'SHELT');
    for (const language of ['en', 'ar'] as const) {
      const res = await api.request(holder.caseworker, {
        method: 'GET',
        url: `/code-lists?lang=${language}`,
      });
      expect(res.statusCode).toBe(200);
      for (const list of res.json().lists as {
        name: string;
        codes: { code: string; label: string }[];
      }[])
        for (const c of list.codes) labels[language].set(`${list.name}/${c.code}`, c.label);
    }
    browser = await launchBrowser();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const noViolations = async (page: CasePage | { page: CasePage['page'] }, where: string) =>
    expect([where, await axeViolations(page.page)]).toEqual([where, []]);

  async function lifecycle(language: Language) {
    const L = (list: string, code: string) => labels[language].get(`${list}/${code}`)!;
    const person = `Walk Person ${language}`;
    const receiverOption = `${RECEIVER} (SHELT)`;

    // The holder's caseworker opens a case in the console: the age uncertain.
    const a = await logIn(browser, api.origin, holder.caseworker, language, '/console/cases');
    const caseworker = new CasePage(a);
    await a.page
      .getByRole('navigation', { name: msg(language, 'nav.label') })
      .getByRole('link', { name: msg(language, 'casepage.openCase') })
      .click();
    await a.page
      .getByRole('heading', { level: 1, name: msg(language, 'casepage.openCase') })
      .waitFor();
    const opening = a.page.getByTestId('form-openCase');
    await caseworker.pick(opening, 'referralSource', L('referral-sources', 'Hotline'));
    await caseworker.pick(opening, 'profile.sexGender', L('sex-gender', 'Feminine'));
    await caseworker.pick(opening, 'profile.citizenships', L('countries', 'SY'));
    await a.page.keyboard.press('Escape');
    await caseworker.check(opening, 'profile.ageUncertain');
    await opening
      .getByRole('textbox', { name: msg(language, 'commands.field.personal.fullName') })
      .fill(person);
    await noViolations(caseworker, 'open a case');
    await caseworker.submit(opening, { button: 'casepage.submit.openCase', leaves: true });
    await a.page.waitForURL(/\/console\/cases\/[0-9a-f-]{36}$/);
    const decisions = caseworker.openDecisions();
    await decisions.getByText(msg(language, 'casepage.open.identification')).waitFor();
    await a.page.getByText(person).waitFor();
    await noViolations(caseworker, 'the case page');
    const caseUrl = new URL(a.page.url()).pathname;

    // Presumed victim.
    const identification = await caseworker.command('identification', 'victimStatus');
    await caseworker.pick(
      identification,
      'status',
      L('victim-statuses', 'PossibleVictimOfTrafficking'),
    );
    await caseworker.pick(identification, 'decidingBody', L('deciding-bodies', 'NGO'));
    await noViolations(caseworker, 'identification');
    await caseworker.submit(identification);
    await caseworker
      .profileValue('case.identification')
      .getByText(L('victim-statuses', 'PossibleVictimOfTrafficking'))
      .waitFor();

    // Consent to assistance, obtained in Arabic with an interpreter.
    const consent = await caseworker.command('consent', 'giveConsent');
    await caseworker.pick(consent, 'purpose', L('consent-purposes', 'assistance'));
    await caseworker.pick(consent, 'obtainedInLanguage', L('languages', 'ar'));
    await caseworker.check(consent, 'interpreterUsed');
    await caseworker.submit(consent);
    await caseworker
      .profileValue('casepage.consents')
      .getByText(L('consent-purposes', 'assistance'))
      .waitFor();

    // The reflection period: the jurisdiction's minimum shown, the minimum granted.
    const reflection = await caseworker.command('identification', 'reflectionPeriod');
    const minimum = await reflection
      .getByText(msg(language, 'casepage.reflection.minimum').slice(0, 12))
      .textContent();
    expect(minimum).toMatch(language === 'en' ? /30 days/ : /30|٣٠/);
    await caseworker.submit(reflection);
    await decisions
      .getByText(msg(language, 'casepage.open.reflection'))
      .waitFor({ state: 'detached' });
    expect(await caseworker.profileValue('case.reflectionEnds').textContent()).not.toBe(
      msg(language, 'common.none'),
    );

    // The person declines to cooperate with the police: their choice, information only …
    const cooperation = await caseworker.command('legal', 'cooperation');
    await cooperation.getByText(msg(language, 'casepage.cooperation.intro')).waitFor();
    await caseworker.pick(cooperation, 'cooperation', L('law-enforcement-cooperation', 'declined'));
    await caseworker.submit(cooperation);
    await caseworker
      .profileValue('casepage.cooperation')
      .getByText(L('law-enforcement-cooperation', 'declined'))
      .waitFor();

    // … and is assisted all the same.
    const assistance = await caseworker.command('support', 'assistance');
    await caseworker.pick(assistance, 'assistanceType', L('assistance-types', 'Accommodation'));
    await caseworker.submit(assistance);

    // A referral to a second organisation, with the person's consent naming it.
    const sharing = await caseworker.command('consent', 'giveConsent');
    await caseworker.pick(sharing, 'purpose', L('consent-purposes', 'referral'));
    await caseworker.pick(sharing, 'receivingOrganisationId', receiverOption);
    await caseworker.pick(sharing, 'obtainedInLanguage', L('languages', 'ar'));
    await caseworker.submit(sharing);
    const refer = await caseworker.command('sharing', 'refer');
    await caseworker.pick(refer, 'toOrganisationId', receiverOption);
    await caseworker.pick(refer, 'service', L('assistance-types', 'Accommodation'));
    await noViolations(caseworker, 'referral');
    const referred = await caseworker.submit(refer);
    const waiting = decisions.getByText(msg(language, 'casepage.open.referrals', { count: 1 }));
    await waiting.waitFor();

    // The second organisation's caseworker (another browser context) accepts it in the inbox.
    await api.project(referred.position);
    const b = await logIn(browser, api.origin, receiver.caseworker, language, '/console/referrals');
    const incoming = b.page
      .getByTestId('referrals-in')
      .locator(`[data-referral="${referred.referralId}"]`);
    await incoming.getByText('Safe Harbour').waitFor();
    await incoming.getByText(msg(language, 'lists.referrals.status.pending')).waitFor();
    await noViolations(b, 'the referrals inbox');
    const accepting = new CasePage(b).answer();
    await incoming
      .getByRole('button', {
        name: msg(language, 'lists.referrals.acceptOf', {
          service: L('assistance-types', 'Accommodation'),
        }),
      })
      .click();
    const accepted = await accepting;
    expect(accepted.status()).toBe(200);
    const acceptedAt = ((await accepted.json()) as { position: string }).position;
    await incoming.getByText(msg(language, 'lists.referrals.status.accepted')).waitFor();
    await incoming
      .getByRole('button', { name: msg(language, 'lists.referrals.accept') })
      .waitFor({ state: 'detached' });
    expect(b.csp).toEqual([]);
    await b.context.close();
    await api.project(acceptedAt);

    // Reasons to believe the person is a child: minority presumed (the caseworker's page shows
    // the case as before the acceptance: it sees what changed and records on the fresh case).
    const minority = await caseworker.command('children', 'presumeMinority');
    const presumed = await caseworker.submit(minority);
    await caseworker
      .profileValue('case.presumedMinor')
      .getByText(msg(language, 'common.yes'))
      .waitFor();
    await waiting.waitFor({ state: 'detached' }); // the fresh case: the referral accepted

    // A child's referral is refused until a best-interests assessment for it is recorded: the
    // refusal in the person's language, as the API words the rule, and what to do next.
    const second = await caseworker.command('sharing', 'refer');
    await caseworker.pick(second, 'toOrganisationId', receiverOption);
    await caseworker.pick(second, 'service', L('assistance-types', 'Psychological'));
    const refusal = await caseworker.refused(second);
    await refusal.getByText(L('rules', 'RULE_3_BEST_INTERESTS_REQUIRED')).waitFor();
    await refusal.getByText(msg(language, 'commands.refused')).waitFor();
    await refusal
      .getByText(msg(language, 'commands.refused.hint.RULE_3_BEST_INTERESTS_REQUIRED'))
      .waitFor();
    await noViolations(caseworker, 'a refusal');

    // A supervisor (another browser context) records the assessment through the console form.
    await api.project(presumed.position);
    const s = await logIn(browser, api.origin, holder.supervisor, language, caseUrl);
    const supervisor = new CasePage(s);
    const assessment = await supervisor.command('children', 'bestInterests');
    await supervisor.pick(assessment, 'decision', L('best-interests-decisions', 'referral'));
    await supervisor.pick(assessment, 'outcome', L('best-interests-outcomes', 'proceed'));
    await supervisor.check(assessment, 'guardianPresent');
    await noViolations(supervisor, 'a best-interests assessment');
    const assessed = await supervisor.submit(assessment);
    await s.context.close();
    await api.project(assessed.position);

    // The caseworker's referral, still filled in, now goes through (on the fresh case).
    await caseworker.submit(second);
    await waiting.waitFor();

    // Closure requested by the caseworker: for a child, a best-interests assessment first.
    const closure = await caseworker.command('closure', 'requestClosure');
    await caseworker.pick(closure, 'reason', L('closure-reasons', 'assistance_completed'));
    const requested = await caseworker.submit(closure, { leaves: true });
    await decisions.getByText(msg(language, 'casepage.open.closure')).waitFor();
    await decisions.getByText(msg(language, 'casepage.open.bestInterests')).waitFor();
    await noViolations(caseworker, 'closure requested');
    expect(a.csp).toEqual([]);
    await a.context.close();

    // The supervisor records the closure's assessment, approves the closure, then reopens.
    await api.project(requested.position);
    const s2 = await logIn(browser, api.origin, holder.supervisor, language, caseUrl);
    const approver = new CasePage(s2);
    const pending = approver.openDecisions();
    await pending.getByText(msg(language, 'casepage.open.closure')).waitFor();
    await pending.getByText(L('best-interests-decisions', 'closure'), { exact: false }).waitFor();
    const closureAssessment = await approver.command('children', 'bestInterests');
    await approver.pick(closureAssessment, 'decision', L('best-interests-decisions', 'closure'));
    await approver.pick(closureAssessment, 'outcome', L('best-interests-outcomes', 'proceed'));
    await approver.submit(closureAssessment);
    await pending
      .getByText(msg(language, 'casepage.open.bestInterests'))
      .waitFor({ state: 'detached' });
    const approval = await approver.command('closure', 'approveClosure');
    await approver.submit(approval, { leaves: true });
    await approver.status('closed').waitFor();
    await noViolations(approver, 'closed');
    const reopen = await approver.command('closure', 'reopen');
    await approver.submit(reopen, { leaves: true });
    await approver.status('open').waitFor();
    await noViolations(approver, 'reopened');

    // The person withdraws the consent to the referral: sharing stops at once.
    const withdrawal = await approver.command('consent', 'withdrawConsent');
    await approver.pick(withdrawal, 'purpose', L('consent-purposes', 'referral'));
    await approver.pick(withdrawal, 'receivingOrganisationId', receiverOption);
    const withdrawn = await approver.submit(withdrawal);
    await approver
      .profileValue('casepage.consents')
      .getByText(L('consent-purposes', 'referral'), { exact: false })
      .waitFor({ state: 'detached' });
    expect(s2.csp).toEqual([]);
    await expectNothingPersonal(s2.page, 'Walk');
    await s2.context.close();

    // The receiver's next page: its inbox no longer names the case, which it can no longer read.
    await api.project(withdrawn.position);
    const b2 = await logIn(
      browser,
      api.origin,
      receiver.caseworker,
      language,
      '/console/referrals',
    );
    const gone = b2.page
      .getByTestId('referrals-in')
      .locator(`[data-referral="${referred.referralId}"]`);
    await gone.getByText(msg(language, 'lists.referrals.caseGone')).waitFor();
    expect(await gone.getByRole('link').count()).toBe(0);
    await noViolations(b2, 'the inbox after the withdrawal');
    const read = await api.request(receiver.caseworker, { method: 'GET', url: caseUrl.slice(8) });
    expect(read.statusCode).toBe(404);
    await b2.context.close();
  }

  it('walks the lifecycle in English: open, presumed victim, consent, reflection period, assistance while declining police cooperation, a referral accepted by a second organisation, a presumed minor’s referral refused until a best-interests assessment, closure requested and approved, reopened, the referral consent withdrawn (gone from the receiver); axe 0', async () => {
    await lifecycle('en');
  }, 900_000);

  it('walks the same lifecycle in Arabic, right to left; axe 0', async () => {
    await lifecycle('ar');
  }, 900_000);

  it('a conflict: the second browser sees what changed, keeps what was typed, and submits again on the fresh case', async () => {
    const opened = await api.send<{ caseId: string; position: string }>(
      holder.caseworker,
      'POST',
      '/cases',
      OPEN_CASE_BODY,
    );
    await api.project(opened.position);
    const path = `/console/cases/${opened.caseId}`;
    const first = await logIn(browser, api.origin, holder.caseworker, 'en', path);
    const second = await logIn(browser, api.origin, holder.supervisor, 'en', path);
    const [one, two] = [new CasePage(first), new CasePage(second)];
    const firstNote = await one.command('record', 'note');
    const secondNote = await two.command('record', 'note');
    const field = (form: Locator) =>
      form.getByRole('textbox', { name: msg('en', 'commands.field.personal.text') });
    await field(secondNote).fill('Typed in the second browser');
    await field(firstNote).fill('Recorded first');
    await api.project((await one.submit(firstNote)).position);

    await secondNote.getByRole('button', { name: msg('en', 'casepage.submit') }).click();
    const changed = secondNote.getByTestId('command-changed');
    await changed.getByText(msg('en', 'commands.changed.title')).waitFor();
    // What changed since the revision shown: one event (the first browser's note), in words
    // (test/web/case-forms.spec.ts: in Arabic too).
    await changed.getByText(msg('en', 'lists.event.NoteAdded')).waitFor();
    expect(await changed.getByRole('listitem').count()).toBe(1);
    expect(await field(secondNote).inputValue()).toBe('Typed in the second browser');
    expect(await axeViolations(second.page)).toEqual([]);
    await two.submit(secondNote); // on the fresh case: recorded
    expect(await field(secondNote).inputValue()).toBe('');
    await first.context.close();
    await second.context.close();
  }, 300_000);
});
