import {
  RELEASE_SIGNER,
  STATISTICS_RELEASES,
  type ReleaseSigner,
  type StatisticsReleases,
} from '@remedy/statistics';
import { DataSource } from 'typeorm';
import type { ConsoleUser, RealConsole } from './web-real-console';

/**
 * Statistics for the browser tests (the rapporteur's screens, the printed report): cases seeded
 * through the API with known figures, and releases requested as a rapporteur and built at once in
 * this process by the API's own release builder and signer (the real console runs no worker).
 */

/** Cases of a year: a status decision, cooperation declined, assistance, and some claims. */
export interface SeedYear {
  readonly year: number;
  /** Sex/gender of each case (its length is the number of cases). */
  readonly sexes: readonly string[];
  /** The first `claims` cases file a EUR claim that is awarded; the first `paid` of them are paid. */
  readonly claims?: number;
  readonly paid?: number;
}

/** Seeds the cases and brings every read model up to date; answers the cases' ids. */
export async function seedStatistics(
  api: RealConsole,
  caseworker: ConsoleUser,
  years: readonly SeedYear[],
): Promise<string[]> {
  const caseIds: string[] = [];
  let position = '';
  const send = async (url: string, body: object) => {
    const answer = await api.send<{ position: string; caseId?: string; claimId?: string }>(
      caseworker,
      'POST',
      url,
      body,
    );
    position = answer.position;
    return answer;
  };
  for (const { year, sexes, claims = 0, paid = 0 } of years) {
    for (const [i, sexGender] of sexes.entries()) {
      const { caseId } = await send('/cases', {
        referralSource: 'Hotline',
        profile: { sexGender, ageUncertain: false, citizenships: ['UA'], languages: ['uk'] },
        personal: { fullName: `Statistics Person ${year}-${i}`, birthDate: '1990-04-02' },
      });
      const c = `/cases/${caseId!}`;
      caseIds.push(caseId!);
      await send(`${c}/victim-status`, {
        status: 'ActualVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: `${year}-02-01`,
        formsOfExploitation: ['ForcedLabour'],
        sectors: ['F_Construction'],
        countriesOfRecruitment: ['UA'],
        countriesOfTransit: [],
        countriesOfExploitation: ['AT'],
        meansOfControl: [],
        personal: {},
      });
      await send(`${c}/consents`, {
        purpose: 'assistance',
        obtainedInLanguage: 'uk',
        interpreterUsed: false,
      });
      await send(`${c}/law-enforcement-cooperation`, { cooperation: 'declined' });
      await send(`${c}/assistance`, { assistanceType: 'Accommodation', from: `${year}-02-02` });
      if (i >= claims) continue;
      const { claimId } = await send(`${c}/claims`, {
        avenue: 'LabourOrEmploymentTribunal',
        respondentKind: 'Employer',
        currency: 'EUR',
        claimed: { UnpaidWages: 100_000 },
        filedOn: `${year}-03-01`,
      });
      const amount = 50_000 + i * 100;
      await send(`${c}/claims/${claimId!}/decision`, {
        outcome: 'awarded',
        awarded: { UnpaidWages: amount },
        currency: 'EUR',
        decidedOn: `${year}-05-01`,
      });
      if (i < paid)
        await send(`${c}/claims/${claimId!}/payments`, {
          amount,
          currency: 'EUR',
          receivedOn: `${year}-06-01`,
        });
    }
  }
  await api.project(position);
  return caseIds;
}

/** Requests a release as `rapporteur` and builds it now (signed as the worker signs). */
export async function builtRelease(
  api: RealConsole,
  rapporteur: ConsoleUser,
  request: { period: string; mode: 'suppression' | 'rounding' | 'dp'; epsilon?: number },
): Promise<string> {
  const { releaseId } = await api.send<{ releaseId: string }>(
    rapporteur,
    'POST',
    '/statistics/releases',
    request,
  );
  // The release counts every event recorded before it was requested. The real console runs no
  // projection (the worker does, and its checkpoints tell the builder how far the read models
  // are): the test brings them up to that position itself, then lets the build start at once.
  const rows = (await api.app.get(DataSource, { strict: false }).query(
    `UPDATE statistics_releases r SET request = r.request - 'asOfPosition'
       FROM (SELECT release_id, request->>'asOfPosition' AS position FROM statistics_releases
              WHERE release_id = $1) old
      WHERE r.release_id = old.release_id RETURNING old.position`,
    [releaseId],
  )) as [{ position: string }[], number];
  await api.project(rows[0][0]!.position);
  const releases = api.app.get<symbol, StatisticsReleases>(STATISTICS_RELEASES, { strict: false });
  const signer = api.app.get<symbol, ReleaseSigner>(RELEASE_SIGNER, { strict: false });
  const status = await releases.build(
    { data: { releaseId }, updateProgress: async () => undefined },
    signer,
  );
  if (status !== 'built') throw new Error(`release ${releaseId}: ${status}`);
  return releaseId;
}
