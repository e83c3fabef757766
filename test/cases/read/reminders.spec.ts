import type { Queue } from 'bullmq';
import { addDays, calendarDateIn } from '@remedy/case-domain';
import { casesProjection } from '@remedy/case-read-models';
import {
  listDueReminders,
  markReminderDone,
  processReminder,
  ReminderReconciler,
  ReminderRuntime,
  reminderSettings,
  startOfDayIn,
  type ReminderJobData,
} from '@remedy/case-reminders';
import { waitForProjection } from '@remedy/projections';
import type { QueueKit } from '@remedy/queue';
import type { TestDatabase } from '../../support/database';
import {
  closeReminderQueue,
  flakyPing,
  openReminderQueue,
  pendingJobIds,
} from './support/reminder-queue';
import { queueBackends } from '../../support/queue-backends';
import { victimStatus } from '../../support/fixtures';
import { eventually as waitUntil } from '../../projections/support/harness';
import {
  actorsOf,
  catchUpWithWriter,
  ReadSideHarness,
  type Actor,
  projectionRunner,
} from './support/case-writer';

const TZ = 'Europe/Vienna';
const backends = queueBackends();

/** Polls a condition for up to 15 s. */
const eventually = <T>(check: () => Promise<T | undefined | false>) => waitUntil(check, 15_000);

describe.each(backends)('case reminders on the $label', ({ backend }) => {
  let db: TestDatabase;
  let h: ReadSideHarness;
  let kit: QueueKit;
  let queue: Queue<ReminderJobData>;
  const settings = reminderSettings({ timeZone: TZ });
  const org = actorsOf();
  const otherOrg = actorsOf();
  const today = () => calendarDateIn(new Date(), TZ);

  const project = () => catchUpWithWriter(h, casesProjection, 200);
  const pendingIds = () => pendingJobIds(queue);

  async function identified(
    actor: Actor,
    sequence: number,
    birthDate = '1990-01-01',
  ): Promise<string> {
    const caseId = await h.writer.open(actor, { sequence, birthDate });
    await h.writer.run(caseId, {
      type: 'RecordVictimStatus',
      actor,
      ...victimStatus({ status: 'ActualVictimOfTrafficking', decidedOn: today() }),
    });
    return caseId;
  }

  /** A reflection period of `days` days from `startsOn` (today unless given). */
  const grantReflectionPeriod = (caseId: string, actor: Actor, days: number, startsOn = today()) =>
    h.writer.run(caseId, { type: 'GrantReflectionPeriod', actor, startsOn, days });

  beforeEach(async () => {
    ({ db, h, kit, queue } = await openReminderQueue(backend, [casesProjection]));
  });

  afterEach(() => closeReminderQueue({ db, h, kit, queue }));

  it('schedules one delayed job per deadline, with opaque ids only, however often it reconciles', async () => {
    const caseId = await identified(org.caseworker, 1);
    await grantReflectionPeriod(caseId, org.caseworker, 40);
    await project();
    const reconciler = new ReminderReconciler(h.ds, queue, settings);
    const first = await reconciler.reconcile('full');
    expect(first).toMatchObject({ desired: 1, added: 1, removed: 0 });
    expect(await reconciler.reconcile('full')).toMatchObject({ desired: 1, added: 0, removed: 0 });
    expect(await new ReminderReconciler(h.ds, queue, settings).reconcile('full')).toMatchObject({
      added: 0,
    });
    const endsOn = addDays(today(), 39);
    const jobId = `reflection_period_ending-${caseId}-case-${endsOn}`;
    expect(await pendingIds()).toEqual([jobId]);
    const job = (await queue.getJob(jobId))!;
    expect(job.data).toEqual({
      caseId,
      organisationId: org.organisationId,
      kind: 'reflection_period_ending',
      dueOn: endsOn,
    });
    expect(await job.getState()).toBe('delayed');
    const expectedAt = startOfDayIn(addDays(endsOn, -5), TZ).getTime();
    expect(Math.abs(job.timestamp + job.delay - expectedAt)).toBeLessThan(5_000);
  });

  it('reschedules when the deadline changes and drops reminders no longer called for', async () => {
    const caseId = await identified(org.caseworker, 1);
    await grantReflectionPeriod(caseId, org.caseworker, 40);
    const referralId = await h.writer.refer(caseId, org.caseworker, otherOrg.organisationId, {
      service: 'LegalCounselling',
      interpreterUsed: false,
    });
    await project();
    const reconciler = new ReminderReconciler(h.ds, queue, settings);
    await reconciler.reconcile('full');
    expect(await pendingIds()).toHaveLength(2);

    await grantReflectionPeriod(caseId, org.caseworker, 60);
    await h.writer.run(caseId, { type: 'AcceptReferral', actor: otherOrg.caseworker, referralId });
    await project();
    const report = await reconciler.reconcile('incremental');
    expect(report).toMatchObject({ mode: 'incremental', desired: 1, added: 1, removed: 2 });
    expect(await pendingIds()).toEqual([
      `reflection_period_ending-${caseId}-case-${addDays(today(), 59)}`,
    ]);
  });

  it('puts every reminder back after the queue lost its jobs (obliterated), at start-up of the runtime', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const caseId = await identified(org.caseworker, i);
      await grantReflectionPeriod(caseId, org.caseworker, 30 + i);
      ids.push(`reflection_period_ending-${caseId}-case-${addDays(today(), 29 + i)}`);
    }
    await project();
    await new ReminderReconciler(h.ds, queue, settings).reconcile('full');
    expect(await pendingIds()).toEqual([...ids].sort());

    await queue.obliterate({ force: true });
    expect(await pendingIds()).toEqual([]);

    const runtime = new ReminderRuntime({ dataSource: h.ds, kit, settings, process: false });
    await runtime.start();
    try {
      expect(await pendingIds()).toEqual([...ids].sort());
      // And again while running: a full reconciliation (periodic or on reconnection) restores them.
      await queue.obliterate({ force: true });
      expect(await runtime.reconcile('full', 'test')).toMatchObject({ added: 3 });
      expect(await pendingIds()).toEqual([...ids].sort());
    } finally {
      await runtime.stop();
    }
  });

  it('reconciles in full when the queue backend answers again after failing, and periodically', async () => {
    const caseId = await identified(org.caseworker, 1);
    await grantReflectionPeriod(caseId, org.caseworker, 50);
    await project();
    const expected = [`reflection_period_ending-${caseId}-case-${addDays(today(), 49)}`];
    const { kit: flakyKit, backend } = flakyPing(kit);
    const runtime = new ReminderRuntime({
      dataSource: h.ds,
      kit: flakyKit,
      settings: reminderSettings({ timeZone: TZ, queueProbeSeconds: 0.05 }),
      process: false,
    });
    await runtime.start();
    try {
      expect(await pendingIds()).toEqual(expected);
      backend.down = true;
      await queue.obliterate({ force: true }); // the jobs are lost while the backend is "down"
      await new Promise((r) => setTimeout(r, 200));
      expect(await pendingIds()).toEqual([]);
      backend.down = false; // reconnected: the next probe triggers a full reconciliation
      await eventually(async () => (await pendingIds()).length === 1);
      expect(await pendingIds()).toEqual(expected);
    } finally {
      await runtime.stop();
    }

    const periodic = new ReminderRuntime({
      dataSource: h.ds,
      kit,
      settings: reminderSettings({
        timeZone: TZ,
        reconcileEveryMinutes: 0.002,
        queueProbeSeconds: 3600,
      }),
      process: false,
    });
    await periodic.start();
    try {
      await queue.obliterate({ force: true });
      await eventually(async () => (await pendingIds()).length === 1);
      expect(await pendingIds()).toEqual(expected);
    } finally {
      await periodic.stop();
    }
  });

  it('records fired reminders as due once, per organisation, and marks them done', async () => {
    // Reflection period ending in 2 days (inside the 5-day lead time): due at once.
    const caseId = await identified(org.caseworker, 1);
    await grantReflectionPeriod(caseId, org.caseworker, 33, addDays(today(), -30));
    // A child whose closure is requested without a best-interests assessment for it.
    const childCase = await h.writer.open(org.caseworker, { sequence: 2, birthDate: '2013-06-01' });
    await h.writer.run(childCase, {
      type: 'RequestClosure',
      actor: org.caseworker,
      reason: 'lost_contact',
      personal: {},
    });
    // An adult's closure request needs no assessment; another organisation's case stays theirs.
    const adultCase = await h.writer.open(org.caseworker, { sequence: 3, birthDate: '1980-06-01' });
    await h.writer.run(adultCase, {
      type: 'RequestClosure',
      actor: org.caseworker,
      reason: 'lost_contact',
      personal: {},
    });
    const foreign = await identified(otherOrg.caseworker, 4);
    await grantReflectionPeriod(foreign, otherOrg.caseworker, 31, addDays(today(), -30));
    await project();

    const runtime = new ReminderRuntime({ dataSource: h.ds, kit, settings });
    await runtime.start();
    try {
      const due = await eventually(async () => {
        const items = await listDueReminders(h.ds, org.organisationId);
        return items.length === 2 ? items : undefined;
      });
      expect(due.map((d) => [d.kind, d.caseId]).sort()).toEqual(
        [
          ['best_interests_needed', childCase],
          ['reflection_period_ending', caseId],
        ].sort(),
      );
      expect(due.find((d) => d.kind === 'best_interests_needed')).toMatchObject({
        subjectId: 'closure',
        doneAt: null,
      });
      await eventually(
        async () => (await listDueReminders(h.ds, otherOrg.organisationId)).length === 1,
      );
      // Fired again (a retry, a re-added job): still recorded once.
      const reminder = due.find((d) => d.kind === 'reflection_period_ending')!;
      const job = {
        id: reminder.reminderId,
        data: {
          caseId,
          organisationId: org.organisationId,
          kind: 'reflection_period_ending' as const,
          dueOn: reminder.dueOn,
        },
      };
      expect(await processReminder(h.ds, settings, job)).toBe('already_recorded');
      // Already due: not scheduled again.
      expect(await runtime.reconcile('full', 'test')).toMatchObject({ added: 0 });

      expect(
        await markReminderDone(
          h.ds,
          otherOrg.organisationId,
          reminder.reminderId,
          otherOrg.caseworker.userId,
        ),
      ).toBeUndefined();
      const done = await markReminderDone(
        h.ds,
        org.organisationId,
        reminder.reminderId,
        org.caseworker.userId,
      );
      expect(done).toMatchObject({ doneBy: org.caseworker.userId });
      expect(
        await markReminderDone(
          h.ds,
          org.organisationId,
          reminder.reminderId,
          org.supervisor.userId,
        ),
      ).toMatchObject({
        doneBy: org.caseworker.userId,
        doneAt: done!.doneAt,
      });
      expect((await listDueReminders(h.ds, org.organisationId)).map((d) => d.kind)).toEqual([
        'best_interests_needed',
      ]);
      expect(await listDueReminders(h.ds, org.organisationId, { includeDone: true })).toHaveLength(
        2,
      );
    } finally {
      await runtime.stop();
    }
  });

  it('does not record a reminder the read model no longer calls for', async () => {
    const caseId = await identified(org.caseworker, 1);
    await grantReflectionPeriod(caseId, org.caseworker, 30);
    await project();
    const endsOn = addDays(today(), 29);
    const job = {
      id: `reflection_period_ending-${caseId}-case-${addDays(endsOn, 10)}`,
      data: {
        caseId,
        organisationId: org.organisationId,
        kind: 'reflection_period_ending' as const,
        dueOn: addDays(endsOn, 10),
      },
    };
    expect(await processReminder(h.ds, settings, job)).toBe('obsolete');
    expect(await listDueReminders(h.ds, org.organisationId, { includeDone: true })).toEqual([]);
  });

  it('reconciles after projection batches (LISTEN on the checkpoint), without waiting for the periodic run', async () => {
    const runner = projectionRunner(h, casesProjection);
    runner.start();
    const runtime = new ReminderRuntime({
      dataSource: h.ds,
      kit,
      settings: reminderSettings({ timeZone: TZ, debounceMs: 50 }),
      databaseUrl: db.url,
      process: false,
    });
    await runtime.start();
    try {
      const caseId = await identified(org.caseworker, 1);
      const position = await grantReflectionPeriod(caseId, org.caseworker, 45);
      expect(await waitForProjection(h.ds, casesProjection.name, position, 10_000)).toBe(true);
      const expected = `reflection_period_ending-${caseId}-case-${addDays(today(), 44)}`;
      await eventually(async () => (await pendingIds()).includes(expected));
    } finally {
      await runtime.stop();
      await runner.stop();
    }
  });
});
