import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { addDays, calendarDateIn, type FileCompensationClaim } from '@remedy/case-domain';
import { casesProjection } from '@remedy/case-read-models';
import {
  listDueReminders,
  processReminder,
  ReminderReconciler,
  ReminderRuntime,
  reminderSettings,
  startOfDayIn,
  type ReminderJobData,
} from '@remedy/case-reminders';
import { claimDeadlineReminders, claimReminderJobId, legalAidProjection } from '@remedy/legal-aid';
import type { QueueKit } from '@remedy/queue';
import type { TestDatabase } from '../support/database';
import {
  closeReminderQueue,
  flakyPing,
  openReminderQueue,
  pendingJobIds,
} from '../cases/read/support/reminder-queue';
import { queueBackends } from '../support/queue-backends';
import {
  actorsOf,
  catchUpWithWriter,
  type ReadSideHarness,
  projectionRunner,
} from '../cases/read/support/case-writer';
import { grantLegalAidAccess, legalAidLawyer } from './case-writing';

const TZ = 'Europe/Vienna';
const backends = queueBackends();

/**
 * Claim deadline reminders through the case-reminders machinery (one reconciler, one queue, one
 * processor into due_reminders): idempotent job ids from (claim, kind, date, organisation), opaque
 * payloads, rescheduling when dates change, removal when access is withdrawn, restoration after
 * the queue lost its jobs, and the due list per organisation.
 */
describe.each(backends)('claim deadline reminders on the $label', ({ backend }) => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let kit: QueueKit;
  let queue: Queue<ReminderJobData>;
  const settings = reminderSettings({ timeZone: TZ, sources: [claimDeadlineReminders()] });
  const holder = actorsOf();
  const legalOrg = randomUUID();
  const today = calendarDateIn(new Date(), TZ);
  const lawyer = legalAidLawyer(legalOrg);

  const project = async () => {
    await catchUpWithWriter(h, casesProjection, 500);
    await catchUpWithWriter(h, legalAidProjection, 500);
  };
  const pendingIds = () => pendingJobIds(queue);

  beforeEach(async () => {
    ({ db, h, kit, queue } = await openReminderQueue(backend, [
      casesProjection,
      legalAidProjection,
    ]));
  });

  afterEach(() => closeReminderQueue({ db, h, kit, queue }));

  async function caseWithLegalAid(): Promise<string> {
    const caseId = await h.writer.open(holder.caseworker, { sequence: 1, birthDate: '1990-01-01' });
    await grantLegalAidAccess(h.writer, caseId, holder.caseworker, legalOrg);
    return caseId;
  }

  /** The legal-aid lawyer files a claim in euros, with no personal text unless one is given. */
  const fileClaim = (
    caseId: string,
    claimId: string,
    claim: Omit<FileCompensationClaim, 'type' | 'actor' | 'claimId' | 'currency' | 'personal'> &
      Partial<Pick<FileCompensationClaim, 'personal'>>,
  ) =>
    h.writer.run(caseId, {
      type: 'FileCompensationClaim',
      actor: lawyer,
      claimId,
      currency: 'EUR',
      personal: {},
      ...claim,
    });

  /** The legal-aid lawyer schedules a hearing of the claim on the given day. */
  const scheduleHearing = (caseId: string, claimId: string, hearingOn: string) =>
    h.writer.run(caseId, {
      type: 'ScheduleClaimHearing',
      actor: lawyer,
      claimId,
      hearingId: randomUUID(),
      hearingOn,
      personal: {},
    });

  it('schedules one job per deadline and organisation, opaque, idempotent; reschedules when dates change', async () => {
    const caseId = await caseWithLegalAid();
    const claimId = randomUUID();
    const deadline = addDays(today, 20);
    await fileClaim(caseId, claimId, {
      avenue: 'LabourOrEmploymentTribunal',
      respondentKind: 'Employer',
      claimed: { UnpaidWages: 100_000 },
      filingDeadline: deadline,
      personal: { text: 'never in a job' },
    });
    await project();
    const reconciler = new ReminderReconciler(h.ds, queue, settings);
    expect(await reconciler.reconcile('full')).toMatchObject({ desired: 2, added: 2, removed: 0 });
    expect(await reconciler.reconcile('full')).toMatchObject({ desired: 2, added: 0, removed: 0 });
    expect(await new ReminderReconciler(h.ds, queue, settings).reconcile('full')).toMatchObject({
      added: 0,
    });
    const filingIds = [holder.organisationId, legalOrg]
      .map((o) => claimReminderJobId('claim_filing_deadline', claimId, deadline, o))
      .sort();
    expect(await pendingIds()).toEqual(filingIds);
    const job = (await queue.getJob(
      claimReminderJobId('claim_filing_deadline', claimId, deadline, legalOrg),
    ))!;
    expect(job.data).toEqual({
      caseId,
      organisationId: legalOrg,
      kind: 'claim_filing_deadline',
      subjectId: claimId,
      dueOn: deadline,
    });
    expect(JSON.stringify(job.data)).not.toContain('never in a job');
    expect(
      Math.abs(job.timestamp + job.delay - startOfDayIn(addDays(deadline, -14), TZ).getTime()),
    ).toBeLessThan(5_000);

    // A hearing: two more jobs (incremental run after the projection batch).
    const hearingOn = addDays(today, 30);
    await scheduleHearing(caseId, claimId, hearingOn);
    await project();
    expect(await reconciler.reconcile('incremental')).toMatchObject({
      mode: 'incremental',
      added: 2,
      removed: 0,
    });
    // The decision: the filing deadline is no longer pending; the payment due date is (in 2 days).
    const dueOn = addDays(today, 2);
    await h.writer.run(caseId, {
      type: 'DecideClaim',
      actor: lawyer,
      claimId,
      outcome: 'awarded',
      awarded: { UnpaidWages: 100_000 },
      currency: 'EUR',
      paymentDueOn: dueOn,
      personal: {},
    });
    await project();
    expect(await reconciler.reconcile('incremental')).toMatchObject({ added: 2, removed: 2 });
    const hearingIds = [holder.organisationId, legalOrg].map((o) =>
      claimReminderJobId('claim_hearing', claimId, hearingOn, o),
    );
    const paymentIds = [holder.organisationId, legalOrg].map((o) =>
      claimReminderJobId('claim_payment_due', claimId, dueOn, o),
    );
    expect(await pendingIds()).toEqual([...hearingIds, ...paymentIds].sort());
    // Due within the lead time (3 days): the job fires at once; the processor records it as due.
    const paymentJob = (await queue.getJob(paymentIds[1]!))!;
    expect(paymentJob.delay).toBe(0);
    expect(await processReminder(h.ds, settings, paymentJob)).toBe('recorded');
    expect(await processReminder(h.ds, settings, paymentJob)).toBe('already_recorded');
    expect(await listDueReminders(h.ds, legalOrg)).toEqual([
      expect.objectContaining({
        reminderId: paymentIds[1],
        caseId,
        kind: 'claim_payment_due',
        subjectId: claimId,
        dueOn,
      }),
    ]);
    expect(await listDueReminders(h.ds, randomUUID())).toEqual([]);

    // An instalment moves the due date: the old jobs go, new ones come.
    const nextDue = addDays(today, 40);
    await h.writer.run(caseId, {
      type: 'RecordClaimPayment',
      actor: lawyer,
      claimId,
      paymentId: randomUUID(),
      amount: 40_000,
      currency: 'EUR',
      nextPaymentDueOn: nextDue,
      personal: {},
    });
    await project();
    await reconciler.reconcile('incremental');
    const nextIds = [holder.organisationId, legalOrg].map((o) =>
      claimReminderJobId('claim_payment_due', claimId, nextDue, o),
    );
    expect(await pendingIds()).toEqual([...hearingIds, ...nextIds].sort());
    // The old job, fired late, is obsolete: nothing recorded.
    expect(
      await processReminder(h.ds, settings, {
        id: paymentIds[0],
        data: { ...paymentJob.data, organisationId: holder.organisationId },
      }),
    ).toBe('obsolete');
  });

  it('withdrawing legal-aid consent drops that organisation’s jobs and open due reminders; the holder keeps its own', async () => {
    const caseId = await caseWithLegalAid();
    const claimId = randomUUID();
    await fileClaim(caseId, claimId, {
      avenue: 'StateCompensationFund',
      respondentKind: 'StateFund',
      claimed: { MaterialDamage: 10_000 },
    });
    const hearingOn = addDays(today, 1);
    await scheduleHearing(caseId, claimId, hearingOn);
    await project();
    const reconciler = new ReminderReconciler(h.ds, queue, settings);
    await reconciler.reconcile('full');
    for (const org of [holder.organisationId, legalOrg]) {
      const job = (await queue.getJob(
        claimReminderJobId('claim_hearing', claimId, hearingOn, org),
      ))!;
      expect(await processReminder(h.ds, settings, job)).toBe('recorded');
    }
    expect(await listDueReminders(h.ds, legalOrg)).toHaveLength(1);
    await queue.obliterate({ force: true });
    const hearingLater = addDays(today, 25);
    await scheduleHearing(caseId, claimId, hearingLater);
    await project();
    await reconciler.reconcile('full');
    expect(await pendingIds()).toEqual(
      [holder.organisationId, legalOrg]
        .map((o) => claimReminderJobId('claim_hearing', claimId, hearingLater, o))
        .sort(),
    );

    await h.writer.run(caseId, {
      type: 'WithdrawConsent',
      actor: holder.caseworker,
      purpose: 'legal_aid_access',
      receivingOrganisationId: legalOrg,
    });
    await project();
    expect(await reconciler.reconcile('incremental')).toMatchObject({ removed: 1 });
    expect(await pendingIds()).toEqual([
      claimReminderJobId('claim_hearing', claimId, hearingLater, holder.organisationId),
    ]);
    expect(await listDueReminders(h.ds, legalOrg)).toEqual([]);
    expect(await listDueReminders(h.ds, holder.organisationId)).toHaveLength(1);
  });

  it('the runtime puts claim reminders back at start-up after the queue lost them, and records due ones', async () => {
    const caseId = await caseWithLegalAid();
    const claimId = randomUUID();
    await fileClaim(caseId, claimId, {
      avenue: 'CivilClaim',
      respondentKind: 'Trafficker',
      claimed: { MoralDamage: 10_000 },
      filingDeadline: addDays(today, 60),
    });
    await scheduleHearing(caseId, claimId, today);
    await project();
    const runtime = new ReminderRuntime({ dataSource: h.ds, kit, settings });
    await runtime.start();
    try {
      // Start-up reconciliation scheduled everything; the hearings of today fired at once, one
      // job per organisation that sees the case: wait for both before the queue is emptied (a
      // hearing job still running then would be scheduled again, rightly).
      const deadline = Date.now() + 15_000;
      const bothDue = async () =>
        (await listDueReminders(h.ds, legalOrg)).length > 0 &&
        (await listDueReminders(h.ds, holder.organisationId)).length > 0;
      while (!(await bothDue()) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      expect((await listDueReminders(h.ds, legalOrg)).map((r) => r.kind)).toEqual([
        'claim_hearing',
      ]);
      const filing = [holder.organisationId, legalOrg]
        .map((o) => claimReminderJobId('claim_filing_deadline', claimId, addDays(today, 60), o))
        .sort();
      expect(await pendingIds()).toEqual(filing);
      await queue.obliterate({ force: true });
      expect(await runtime.reconcile('full', 'test')).toMatchObject({ added: 2 });
      expect(await pendingIds()).toEqual(filing);
    } finally {
      await runtime.stop();
    }
  });

  it('a batch of the legal-aid projection triggers an incremental reconciliation (LISTEN on checkpoints)', async () => {
    const runtime = new ReminderRuntime({
      dataSource: h.ds,
      kit,
      settings: reminderSettings({
        timeZone: TZ,
        sources: [claimDeadlineReminders()],
        debounceMs: 20,
      }),
      databaseUrl: db.url,
      process: false,
    });
    const runner = projectionRunner(h, legalAidProjection);
    await runtime.start();
    runner.start();
    try {
      const caseId = await caseWithLegalAid();
      const claimId = randomUUID();
      const deadline = addDays(today, 90);
      await fileClaim(caseId, claimId, {
        avenue: 'AdministrativeBody',
        respondentKind: 'Employer',
        claimed: { UnpaidWages: 5_000 },
        filingDeadline: deadline,
      });
      const expected = [holder.organisationId, legalOrg]
        .map((o) => claimReminderJobId('claim_filing_deadline', claimId, deadline, o))
        .sort();
      const until = Date.now() + 15_000;
      while ((await pendingIds()).length < 2 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
      expect(await pendingIds()).toEqual(expected);
    } finally {
      await runner.stop();
      await runtime.stop();
    }
  });

  it('claim reminders come back when the queue backend answers again after failing, and periodically', async () => {
    const caseId = await caseWithLegalAid();
    const claimId = randomUUID();
    const deadline = addDays(today, 45);
    await fileClaim(caseId, claimId, {
      avenue: 'OutOfCourtSettlement',
      respondentKind: 'SupplyChainBusiness',
      claimed: { Other: 9_000 },
      filingDeadline: deadline,
    });
    await project();
    const expected = [holder.organisationId, legalOrg]
      .map((o) => claimReminderJobId('claim_filing_deadline', claimId, deadline, o))
      .sort();
    const waitFor = async (n: number) => {
      const until = Date.now() + 15_000;
      while ((await pendingIds()).length !== n && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
    };
    const { kit: flakyKit, backend } = flakyPing(kit);
    const sources = [claimDeadlineReminders()];
    const runtime = new ReminderRuntime({
      dataSource: h.ds,
      kit: flakyKit,
      settings: reminderSettings({ timeZone: TZ, sources, queueProbeSeconds: 0.05 }),
      process: false,
    });
    await runtime.start();
    try {
      expect(await pendingIds()).toEqual(expected);
      backend.down = true;
      await queue.obliterate({ force: true });
      await new Promise((r) => setTimeout(r, 200)); // several failed probes
      expect(await pendingIds()).toEqual([]);
      backend.down = false; // the next probe sees it answer: full reconciliation
      await waitFor(2);
      expect(await pendingIds()).toEqual(expected);
    } finally {
      await runtime.stop();
    }
    const periodic = new ReminderRuntime({
      dataSource: h.ds,
      kit,
      settings: reminderSettings({
        timeZone: TZ,
        sources,
        reconcileEveryMinutes: 0.002,
        queueProbeSeconds: 3600,
      }),
      process: false,
    });
    await periodic.start();
    try {
      await queue.obliterate({ force: true });
      await waitFor(2); // the periodic full run (every 120 ms here) puts them back
      expect(await pendingIds()).toEqual(expected);
    } finally {
      await periodic.stop();
    }
  });
});
