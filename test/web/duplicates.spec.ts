/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchBrowser } from '../support/web-browser';
import { CasePage } from '../support/web-case-page';
import { screenshot } from '../support/web-screenshots';
import { startRealConsole, type ConsoleUser, type RealConsole } from '../support/web-real-console';
import { logIn, msg, type Language } from '../support/web-session';

/**
 * Possible duplicates in the console (issue 19, within one organisation: apps/web/src/cases/
 * duplicates.tsx), in Chromium against the real API and the real worker (whose process manager
 * records each decision on the other case too), in English and in Arabic, axe on each screen:
 * a case opened in the console shows straight away the organisation's case of the same person
 * written differently (in Arabic: the name in Arabic script, the earlier case's in Latin
 * letters); "Not the same person" on another pair (that pair is suggested no more, on either
 * case); "Same person" (the two cases linked, on both case pages, with the hint that one is then
 * closed with the reason "duplicate").
 */

interface Person {
  readonly fullName: string;
  readonly birthDate: string;
  readonly sexGender: string;
  readonly citizenship: string;
}

/** The earlier case (through the API) and the same person as typed into the console. */
const SAME: Record<Language, { earlier: Person; typed: Person }> = {
  en: {
    earlier: {
      fullName: 'Amina Yusuf',
      birthDate: '1994-03-12',
      sexGender: 'Feminine',
      citizenship: 'NG',
    },
    typed: {
      fullName: 'Yussuf Aminah',
      birthDate: '1994-03-12',
      sexGender: 'Feminine',
      citizenship: 'NG',
    },
  },
  ar: {
    earlier: {
      fullName: 'Mohamed Hassan',
      birthDate: '1988-11-02',
      sexGender: 'Masculine',
      citizenship: 'EG',
    },
    typed: {
      fullName: 'محمد حسن',
      birthDate: '1988-11-02',
      sexGender: 'Masculine',
      citizenship: 'EG',
    },
  },
};
/** Two persons alike enough to be suggested, decided to be two (both through the API). */
const NAMESAKES: readonly [Person, Person] = [
  { fullName: 'Fatima Bello', birthDate: '1999-07-21', sexGender: 'Feminine', citizenship: 'NG' },
  { fullName: 'Fatma Bello', birthDate: '1999-07-21', sexGender: 'Feminine', citizenship: 'NG' },
];

describe('possible duplicates in the console, on the real API and worker (issue 19)', () => {
  let api: RealConsole;
  let browser: Browser;
  const labels: Record<Language, Map<string, string>> = { en: new Map(), ar: new Map() };

  beforeAll(async () => {
    api = await startRealConsole('web-duplicates', {}, { worker: true });
    const admin = await api.user(['admin']);
    for (const language of ['en', 'ar'] as const) {
      const res = await api.request(admin, { method: 'GET', url: `/code-lists?lang=${language}` });
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

  const noViolations = async (page: Page, where: string) =>
    expect([where, await axeViolations(page)]).toEqual([where, []]);

  /** Opens a case through the API: its id, reference and the write's position. */
  async function openCase(user: ConsoleUser, person: Omit<Person, 'birthDate'> & Partial<Person>) {
    const opened = await api.send<{ caseId: string; caseReference: string; position: string }>(
      user,
      'POST',
      '/cases',
      {
        referralSource: 'Hotline',
        profile: {
          sexGender: person.sexGender,
          ageUncertain: false,
          citizenships: [person.citizenship],
          languages: [],
        },
        personal: {
          fullName: person.fullName,
          ...(person.birthDate ? { birthDate: person.birthDate } : {}),
        },
      },
    );
    return { caseId: opened.caseId, reference: opened.caseReference, position: opened.position };
  }

  /** The case's state as the API folds it (the process manager's mirror shows there). */
  async function stateOf(user: ConsoleUser, caseId: string) {
    const res = await api.request(user, { method: 'GET', url: `/cases/${caseId}` });
    return (res.json().facts?.state ?? {}) as {
      sameAsCases?: string[];
      notSameAsCases?: string[];
    };
  }

  /** Waits until `ready` (a decision the worker's process manager mirrors shortly after). */
  async function until(ready: () => Promise<boolean>, what: string) {
    for (let i = 0; i < 60; i++) {
      if (await ready()) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`not recorded: ${what}`);
  }

  it.each(['en', 'ar'] as const)(
    'in %s: suggested at opening, "not the same person" suggested no more, "same person" linked on both pages',
    async (language) => {
      const t = (key: string, values?: Record<string, string | number>) =>
        msg(language, key, values);
      const L = (list: string, code: string) => labels[language].get(`${list}/${code}`)!;
      const org = await api.organisation(`Duplicates ${language}`, `DUP${language.toUpperCase()}`);
      const earlier = await openCase(org.caseworker, SAME[language].earlier);
      const c = await openCase(org.caseworker, NAMESAKES[0]);
      const d = await openCase(org.caseworker, NAMESAKES[1]);
      await api.project(d.position); // the three cases' pages read the worker's projections

      const session = await logIn(
        browser,
        api.origin,
        org.caseworker,
        language,
        `/console/cases/${d.caseId}`,
      );
      const { page } = session;
      const caseworker = new CasePage(session);
      const duplicates = page.getByTestId('case-duplicates');
      const suggestion = (reference: string) =>
        duplicates.getByTestId('duplicate-suggestion').filter({
          has: page.getByRole('link', { name: reference, exact: true }),
        });

      // Namesakes: on D's page, "Not the same person" on C; the suggestion goes, on both cases.
      await suggestion(c.reference).waitFor();
      await suggestion(c.reference)
        .getByRole('button', {
          name: t('duplicates.notSamePerson.with', { reference: c.reference }),
          exact: true,
        })
        .click();
      const notSame = page.getByRole('dialog', { name: t('duplicates.notSamePerson.title') });
      await notSame.getByText(t('duplicates.notSamePerson.confirm')).waitFor();
      await noViolations(page, 'the "not the same person" dialog');
      const decided = caseworker.answer();
      await notSame.getByRole('button', { name: t('duplicates.notSamePerson.confirm') }).click();
      expect((await decided).status()).toBe(200);
      await notSame.waitFor({ state: 'detached' });
      await suggestion(c.reference).waitFor({ state: 'detached' });
      const notSameList = page.getByTestId('linked-not-same');
      await notSameList.getByRole('link', { name: c.reference, exact: true }).waitFor();
      // Checked again: still none.
      await page.getByTestId('duplicates-check').click();
      await page.getByTestId('duplicates-fetching').waitFor({ state: 'detached' });
      await duplicates.getByTestId('duplicates-none').waitFor();
      // The other case: the process manager records the decision there too; D is not suggested.
      await until(
        async () =>
          (await stateOf(org.caseworker, c.caseId)).notSameAsCases?.includes(d.caseId) ?? false,
        'the mirrored "not the same person"',
      );
      await notSameList.getByRole('link', { name: c.reference, exact: true }).click();
      await page.waitForURL(new RegExp(`/console/cases/${c.caseId}$`));
      await notSameList.getByRole('link', { name: d.reference, exact: true }).waitFor();
      await duplicates.getByTestId('duplicates-none').waitFor();

      // The same person opened again, in the console: the new page suggests the earlier case.
      const typed = SAME[language].typed;
      await page
        .getByRole('navigation', { name: t('nav.label') })
        .getByRole('link', { name: t('casepage.openCase') })
        .click();
      await page.getByRole('heading', { level: 1, name: t('casepage.openCase') }).waitFor();
      const opening = page.getByTestId('form-openCase');
      await caseworker.pick(opening, 'referralSource', L('referral-sources', 'Hotline'));
      await caseworker.pick(opening, 'profile.sexGender', L('sex-gender', typed.sexGender));
      await caseworker.pick(opening, 'profile.citizenships', L('countries', typed.citizenship));
      await page.keyboard.press('Escape');
      await opening
        .getByRole('textbox', { name: t('commands.field.personal.fullName') })
        .fill(typed.fullName);
      await opening.getByLabel(t('commands.field.personal.birthDate')).fill(typed.birthDate);
      const opened = await caseworker.submit(opening, {
        button: 'casepage.submit.openCase',
        leaves: true,
      });
      await page.waitForURL(new RegExp(`/console/cases/${opened.caseId}$`));
      await suggestion(earlier.reference).waitFor();
      const row = suggestion(earlier.reference);
      expect(await row.getByRole('cell').nth(1).textContent()).toBe(t('status.open'));
      expect(await row.textContent()).toContain(t('duplicates.evidence.name'));
      expect(await row.textContent()).toContain(t('duplicates.evidence.birth'));
      await row.locator('[data-band]').waitFor();
      expect(await row.textContent()).not.toMatch(/0\.\d/); // a band, never a raw score
      const newReference = (
        await api.request(org.caseworker, { method: 'GET', url: `/cases/${opened.caseId}` })
      ).json().reference as string;
      await noViolations(page, 'a new case and its possible duplicate');
      await screenshot(page, `duplicates-suggested-${language}`);

      // The same person: linked, on both pages, with the way to close one of them.
      await row
        .getByRole('button', {
          name: t('duplicates.samePerson.with', { reference: earlier.reference }),
          exact: true,
        })
        .click();
      const same = page.getByRole('dialog', { name: t('duplicates.samePerson.title') });
      await same.getByText(t('duplicates.samePerson.confirm')).waitFor();
      const linked = caseworker.answer();
      await same.getByRole('button', { name: t('duplicates.samePerson.confirm') }).click();
      expect((await linked).status()).toBe(200);
      await same.waitFor({ state: 'detached' });
      const sameList = page.getByTestId('linked-same');
      await sameList.getByRole('link', { name: earlier.reference, exact: true }).waitFor();
      await page
        .getByTestId('case-linked-hint')
        .getByText(L('closure-reasons', 'duplicate'), { exact: false })
        .waitFor();
      await suggestion(earlier.reference).waitFor({ state: 'detached' });
      // The earlier case's page, once the process manager recorded the link there.
      await until(
        async () =>
          (await stateOf(org.caseworker, earlier.caseId)).sameAsCases?.includes(opened.caseId) ??
          false,
        'the mirrored "same person"',
      );
      await sameList.getByRole('link', { name: earlier.reference, exact: true }).click();
      await page.waitForURL(new RegExp(`/console/cases/${earlier.caseId}$`));
      await sameList.getByRole('link', { name: newReference, exact: true }).waitFor();
      await noViolations(page, 'the earlier case, linked');
      await screenshot(page, `duplicates-linked-${language}`);
      await session.context.close();
    },
    180_000,
  );

  it('a tie: a case with no birth date, exactly as close to two namesakes born on different days, shows them as one suggestion, "one of these"', async () => {
    const org = await api.organisation('Duplicates tie', 'DUPTIE');
    const namesake = { fullName: 'Chiamaka Okafor', sexGender: 'Feminine', citizenship: 'NG' };
    const first = await openCase(org.caseworker, { ...namesake, birthDate: '1990-01-05' });
    const second = await openCase(org.caseworker, { ...namesake, birthDate: '1993-07-20' });
    const undated = await openCase(org.caseworker, namesake);
    await api.project(undated.position);
    const session = await logIn(
      browser,
      api.origin,
      org.caseworker,
      'en',
      `/console/cases/${undated.caseId}`,
    );
    const { page } = session;
    const duplicates = page.getByTestId('case-duplicates');
    const tie = duplicates.getByTestId('duplicate-tie');
    await tie.getByText(msg('en', 'duplicates.tie', { number: 2 })).waitFor();
    const rows = duplicates.getByTestId('duplicate-suggestion');
    expect(await rows.count()).toBe(2);
    for (const other of [first, second])
      await rows
        .filter({ has: page.getByRole('link', { name: other.reference, exact: true }) })
        .and(page.locator('[data-tied]'))
        .waitFor();
    await noViolations(page, 'a tie');
    await session.context.close();
  }, 120_000);
});
