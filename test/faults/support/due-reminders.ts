import { addDays, calendarDateIn } from '@remedy/case-domain';
import { casesProjection } from '@remedy/case-read-models';
import { desiredReminders, reminderSettings } from '@remedy/case-reminders';
import {
  actorsOf,
  catchUpWithWriter,
  type ReadSideHarness,
} from '../../cases/read/support/case-writer';
import { victimStatus } from '../../support/fixtures';

export const TZ = 'Europe/Vienna';
export const settings = reminderSettings({ timeZone: TZ });

/**
 * Cases written the way the command side writes them (domain decisions, sealed personal data),
 * each identified and with a recovery and reflection period ending in two days: inside the
 * 5-day lead time, so its reminder is due at once. Projects them into the cases read model and
 * returns the ids of the reminders the read model now calls for (one per case).
 */
export async function seedDueReminders(
  h: ReadSideHarness,
  count: number,
  firstSequence = 1,
): Promise<string[]> {
  const org = actorsOf();
  const today = calendarDateIn(new Date(), TZ);
  const one = async (sequence: number) => {
    const caseId = await h.writer.open(org.caseworker, { sequence, birthDate: '1990-01-01' });
    await h.writer.run(caseId, {
      type: 'RecordVictimStatus',
      actor: org.caseworker,
      ...victimStatus({
        status: 'ActualVictimOfTrafficking',
        decidedOn: today,
      }),
    });
    await h.writer.run(caseId, {
      type: 'GrantReflectionPeriod',
      actor: org.caseworker,
      startsOn: addDays(today, -30),
      days: 33,
    });
  };
  for (let i = 0; i < count; i += 8) {
    await Promise.all(
      Array.from({ length: Math.min(8, count - i) }, (_, j) => one(firstSequence + i + j)),
    );
  }
  await catchUpWithWriter(h, casesProjection, 500);
  const desired = await desiredReminders(h.ds, settings, new Date(), { includeDue: true });
  return [...desired.keys()].sort();
}
