/// <reference lib="dom" />
import type { Locator, Page, Request, Response } from 'playwright-core';
import { msg, type ConsoleSession, type Language } from './web-session';

/** A command's answer (201/200): the position it produced, the ids it made. */
export interface CommandAnswer {
  readonly position: string;
  readonly caseId: string;
  readonly referralId?: string;
}

/**
 * The console's case page (apps/web/src/cases) and its command forms (apps/web/src/commands)
 * driven as a person does: tabs, accordion entries, Mantine selects by their labels, the submit
 * button; each command's answer (its position, for the read side) read off the network.
 */
export class CasePage {
  readonly page: Page;
  readonly language: Language;

  constructor(session: ConsoleSession) {
    this.page = session.page;
    this.language = session.language;
  }

  msg(key: string, values?: Record<string, string | number>): string {
    return msg(this.language, key, values);
  }

  /** Opens the tab `group` and the command `id` in it; its form. */
  async command(group: string, id: string): Promise<Locator> {
    await this.page.getByRole('tab', { name: this.msg(`casepage.group.${group}`) }).click();
    const form = this.page.getByTestId(`form-${id}`);
    if (!(await form.isVisible()))
      await this.page
        .getByRole('button', { name: this.msg(`casepage.cmd.${id}`), exact: true })
        .click();
    await form.waitFor();
    return form;
  }

  /**
   * Picks `option` in the Mantine select labelled `field` (a code list's label, a name). When the
   * list closes before the click lands (the page moved under it: a refresh re-rendered the case),
   * it is opened again, as a person would; at most three times.
   */
  async pick(form: Locator, field: string, option: string): Promise<void> {
    await this.pickLabelled(form, this.msg(`commands.field.${field}`), option);
  }

  /** {@link pick} in the select whose label is `label` (its text, or a pattern of it). */
  async pickLabelled(form: Locator, label: string | RegExp, option: string): Promise<void> {
    const input = form.getByLabel(label).first();
    for (let attempt = 1; ; attempt++) {
      try {
        await input.click();
        if ((await input.getAttribute('readonly')) === null) await input.fill(option);
        await this.page
          .getByRole('listbox', { name: label })
          .getByRole('option', { name: option, exact: true })
          .click({ timeout: 10_000 });
        return;
      } catch (error) {
        if (attempt === 3) throw error;
        await this.page.keyboard.press('Escape');
      }
    }
  }

  async check(form: Locator, field: string): Promise<void> {
    await form.getByLabel(this.msg(`commands.field.${field}`)).check();
  }

  /** The API's answer to the next command the page sends (POST /cases…). */
  answer(timeout = 30_000): Promise<Response> {
    return this.page.waitForResponse((r) => isCommand(r.request()) && r.status() < 500, {
      timeout,
    });
  }

  /**
   * Clicks `button` in `form` and answers the API's answer to the command it sends. A click the
   * page turned into no request within 10 s (it landed while the form re-rendered) is clicked
   * once more, as a person would; the Idempotency-Key makes a second send harmless. When no
   * answer comes, the error says what the page sent, what it threw and what the form shows.
   */
  private async click(form: Locator, button: string): Promise<Response> {
    const sent: string[] = [];
    const thrown: string[] = [];
    const onRequest = (r: Request) => {
      if (isCommand(r)) sent.push(new URL(r.url()).pathname);
    };
    const onError = (e: Error) => thrown.push(e.message);
    this.page.on('request', onRequest);
    this.page.on('pageerror', onError);
    const target = form.getByRole('button', { name: this.msg(button) });
    try {
      const answered = this.answer(60_000);
      answered.catch(() => undefined); // awaited below
      await target.click({ timeout: 30_000 });
      const quiet = await Promise.race([
        answered.then(
          () => false,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 10_000)),
      ]);
      if (quiet && sent.length === 0) {
        console.warn(
          `no command sent 10 s after clicking ${button}; page errors: ${thrown.join(' | ') || 'none'}; form: ${await form.textContent()}`,
        );
        await target.click({ timeout: 30_000 });
      }
      return await answered.catch(async (error: Error) => {
        throw new Error(
          `${error.message}; commands sent: ${sent.join(', ') || 'none'}; page errors: ${thrown.join(' | ') || 'none'}; form: ${await form.textContent().catch(() => '(gone)')}`,
        );
      });
    } finally {
      this.page.off('request', onRequest);
      this.page.off('pageerror', onError);
    }
  }

  /**
   * Submits `form` until the command is recorded: when the case changed meanwhile (another
   * person's command: the page shows what changed and keeps the input), once more on the fresh
   * case. `leaves`: a command that changes the case's status, whose form then leaves (no longer
   * offered). Answers the command's answer (`position`, the new ids).
   */
  async submit(
    form: Locator,
    { button = 'casepage.submit', leaves = false } = {},
  ): Promise<CommandAnswer> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await this.click(form, button);
      if (answer.status() === 409 || answer.status() === 412) {
        // The page reads the fresh case, then shows what changed: submitted again after that.
        const changed = form.getByTestId('command-changed');
        await changed.waitFor();
        await changed
          .getByLabel(this.msg('commands.changed.loading'))
          .waitFor({ state: 'detached' });
        continue;
      }
      const recorded = leaves
        ? form.waitFor({ state: 'detached' })
        : form.getByTestId('command-done').waitFor();
      await recorded.catch(async (error: Error) => {
        throw new Error(
          `${error.message}: ${answer.status()} ${await form.textContent().catch(() => '(the form is gone)')}`,
        );
      });
      return (await answer.json()) as CommandAnswer;
    }
    throw new Error(`the case changed twice: ${await form.textContent()}`);
  }

  /** Submits `form` and waits for a rule's refusal (422); the refusal notice. */
  async refused(form: Locator): Promise<Locator> {
    const answer = await this.click(form, 'casepage.submit');
    expect(answer.status()).toBe(422);
    const refusal = form.getByTestId('command-refused');
    await refusal.waitFor();
    return refusal;
  }

  /** The value cell of the profile row labelled by message `key`. */
  profileValue(key: string): Locator {
    return this.page
      .getByRole('row')
      .filter({
        has: this.page.getByRole('rowheader', { name: this.msg(key), exact: true }),
      })
      .getByRole('cell');
  }

  openDecisions(): Locator {
    return this.page.getByTestId('open-decisions');
  }

  /** The case's status badge beside its heading. */
  status(key: string): Locator {
    return this.page
      .getByRole('heading', { level: 1 })
      .locator('xpath=..')
      .getByText(this.msg(`status.${key}`));
  }
}

/** A command the console sends: a POST under /cases. */
function isCommand(request: Request): boolean {
  return request.method() === 'POST' && new URL(request.url()).pathname.startsWith('/cases');
}
