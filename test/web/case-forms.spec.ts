/// <reference lib="dom" />
import { AuditModule } from '@remedy/audit';
import { AccountStore, AccountsModule } from '@remedy/identity';
import { organisationWithStaff, type OrganisationWithStaff } from '../cases/commands/support';
import { axeViolations } from '../support/web-browser';
import {
  caseForm,
  chooseOption,
  message,
  rowValue,
  startCaseConsole,
  type CaseConsole,
  type ConsoleLanguage,
} from '../support/web-case-console';

/**
 * The case forms the console lacked (issue 16: every case command as a form, every field of its
 * body), in Chromium against the real API, in English and in Arabic, axe on each changed screen:
 * identity documents entered when opening a case (their kinds labelled in the person's language);
 * personal details under translated labels; the caseworker assigned by display name (GET
 * /organisations/{id}/caseworkers) and shown by name; what changed after a 412 named in the
 * person's language, not as raw event types; the supervisor's link to the case's supervision
 * screens.
 */
describe('the console case forms (issue 16: every field of every case command)', () => {
  let console_: CaseConsole;
  let holder: OrganisationWithStaff;
  const caseworkers: Record<ConsoleLanguage, { userId: string; displayName: string }> = {
    en: { userId: '', displayName: 'Maya Okafor' },
    ar: { userId: '', displayName: 'ليلى حداد' },
  };

  beforeAll(async () => {
    console_ = await startCaseConsole([AccountsModule.forRoot(), AuditModule.forRoot()]);
    const { api } = console_;
    holder = await organisationWithStaff(api, await api.user(['admin']), { name: 'Safe Harbour' });
    const accounts = api.app.get(AccountStore);
    for (const language of ['en', 'ar'] as const) {
      const { userId } = await accounts.create(
        {
          organisationId: holder.organisationId,
          loginName: `cw.${language}.${Date.now()}`,
          displayName: caseworkers[language].displayName,
          roles: ['caseworker'],
          language,
        },
        { requestId: 'test' },
      );
      caseworkers[language].userId = userId;
    }
  }, 600_000);

  afterAll(async () => console_?.close());

  it.each(['en', 'ar'] as const)(
    'in %s: identity documents at opening, translated personal details, the caseworker by name, what changed in words, the supervision link',
    async (language) => {
      const { api, label } = console_;
      const t = (key: string) => message(language, key);
      const { context, page } = await console_.login(
        holder.supervisor,
        language,
        '/console/cases/new',
      );

      // Opening, with two identity documents (one removed again) and their kinds' labels.
      await page.getByRole('heading', { level: 1, name: t('casepage.openCase') }).waitFor();
      const opening = page.getByTestId('form-openCase');
      const field = (name: string) => opening.getByLabel(t(`commands.field.${name}`)).first();
      await chooseOption(
        page,
        field('referralSource'),
        label(language, 'referral-sources', 'Hotline'),
      );
      await chooseOption(
        page,
        field('profile.sexGender'),
        label(language, 'sex-gender', 'Feminine'),
      );
      await chooseOption(page, field('profile.citizenships'), label(language, 'countries', 'NG'));
      await page.keyboard.press('Escape');
      await opening
        .getByRole('textbox', { name: t('commands.field.personal.fullName') })
        .fill(`Forms Person ${language}`);
      const documents = opening.getByTestId('records-personal.identityDocuments');
      const add = documents.getByRole('button', {
        name: t('commands.records.add').replace(
          '{name}',
          t('commands.field.personal.identityDocuments'),
        ),
      });
      await add.click();
      await add.click();
      const kinds = documents.getByLabel(t('commands.field.personal.identityDocuments.kind'));
      const numbers = documents.getByRole('textbox', {
        name: t('commands.field.personal.identityDocuments.number'),
      });
      await chooseOption(page, kinds.nth(0), t('commands.documentKind.passport'));
      await numbers.nth(0).fill(`P-${language}-1234`);
      expect(await axeViolations(page)).toEqual([]);
      // A row begun is a row to finish; an empty row is removed.
      await chooseOption(page, kinds.nth(1), t('commands.documentKind.residence_permit'));
      await opening.getByRole('button', { name: t('casepage.submit.openCase') }).click();
      await documents.getByText(t('commands.required')).waitFor();
      await documents
        .getByRole('button', { name: t('commands.records.remove') })
        .nth(1)
        .click();
      await opening.getByRole('button', { name: t('casepage.submit.openCase') }).click();
      await page.waitForFunction(() =>
        /^\/console\/cases\/[0-9a-f-]{36}$/.test(window.location.pathname),
      );
      const caseId = new URL(page.url()).pathname.split('/').at(-1)!;

      // Personal details under their labels in this language, the document's kind too.
      const personal = page.getByTestId('case-personal');
      await rowValue(personal, t('casepage.personal.fullName'))
        .getByText(`Forms Person ${language}`)
        .waitFor();
      expect(await rowValue(personal, t('casepage.personal.identityDocuments')).textContent()).toBe(
        `${t('commands.documentKind.passport')}: P-${language}-1234`,
      );
      await expect(personal.getByText('fullName', { exact: true }).count()).resolves.toBe(0);
      expect(await axeViolations(page)).toEqual([]);

      // The caseworker assigned by name; the profile names them.
      const assign = await caseForm(page, language, 'record', 'assignCaseworker');
      await chooseOption(
        page,
        assign.getByLabel(t('commands.field.caseworkerId')).first(),
        caseworkers[language].displayName,
      );
      expect(await axeViolations(page)).toEqual([]);
      await assign.getByRole('button', { name: t('casepage.submit') }).click();
      await assign.getByTestId('command-done').waitFor();
      await rowValue(page, t('case.caseworker'))
        .getByText(caseworkers[language].displayName)
        .waitFor();
      const detail = await api.get(holder.supervisor, `/cases/${caseId}`);
      expect(detail.json().assignedCaseworkerId).toBe(caseworkers[language].userId);

      // Someone else adds a note meanwhile: the next change shows what changed, in words.
      const other = await api.post(holder.caseworker, `/cases/${caseId}/notes`, {
        personal: { text: 'meanwhile' },
      });
      expect(other.statusCode).toBe(200);
      const note = await caseForm(page, language, 'record', 'note');
      await note.getByRole('textbox', { name: t('commands.field.personal.text') }).fill('mine');
      await note.getByRole('button', { name: t('casepage.submit') }).click();
      const changed = note.getByTestId('command-changed');
      await changed.locator('[data-event-type="NoteAdded"]').waitFor();
      expect(await changed.locator('[data-event-type="NoteAdded"]').textContent()).toContain(
        t('lists.event.NoteAdded'),
      );
      expect(await changed.textContent()).not.toContain('NoteAdded');
      expect(await axeViolations(page)).toEqual([]);

      // The supervisor's way to the case's supervision screens.
      await page.getByTestId('case-supervision-link').click();
      await page.waitForFunction(
        (id) => window.location.pathname === `/console/supervision/cases/${id}`,
        caseId,
      );
      await page
        .getByRole('heading', { level: 2, name: message(language, 'supervisor.history.title') })
        .waitFor();
      await context.close();

      // A caseworker has no such link.
      const caseworker = await console_.login(
        holder.caseworker,
        language,
        `/console/cases/${caseId}`,
      );
      await rowValue(caseworker.page, t('case.caseworker'))
        .getByText(caseworkers[language].displayName)
        .waitFor();
      expect(await caseworker.page.getByTestId('case-supervision-link').count()).toBe(0);
      await caseworker.context.close();
    },
    300_000,
  );
});
