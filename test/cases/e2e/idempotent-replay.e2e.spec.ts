import { caseStreamId } from '@remedy/case-stream';
import {
  OPEN_CASE_BODY,
  realApiPerSuite,
  registerOrganisation,
} from '../../faults/support/real-api';

/**
 * A retry of a command already answered gets the first answer, even when the access policy would
 * now refuse the caller: the real API (apps/api ApiModule, PolicyGuard before the command
 * interceptor). The case: `npm run demo` run twice, whose second run retries a referral's decline
 * (accept, complete) by the receiving organisation after the referral ended its access. Only the
 * same request (caller, path, Idempotency-Key, body) is answered so; anything else is refused as
 * before (404: the caller learns nothing about keys), and nothing is appended.
 */
describe('Idempotent replay past the access policy (real API)', () => {
  const suite = realApiPerSuite('idempotent-replay');
  let holderCaseworker: string;
  let receiverCaseworker: string;
  let receiverSupervisor: string;
  let receiverId: string;

  beforeAll(async () => {
    const { api } = suite;
    const holderId = await registerOrganisation(api, 'REPLAYA');
    receiverId = await registerOrganisation(api, 'REPLAYB');
    holderCaseworker = await api.token(['caseworker'], holderId);
    receiverCaseworker = await api.token(['caseworker'], receiverId);
    receiverSupervisor = await api.token(['supervisor'], receiverId);
  });

  const post = (token: string, url: string, body: object, key?: string) =>
    suite.api.request(token, {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        ...(key !== undefined ? { 'idempotency-key': key } : {}),
      },
      payload: body,
    });

  const events = async (caseId: string): Promise<number> =>
    (
      await suite.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM events WHERE stream_id = $1',
        [caseStreamId(caseId)],
      )
    ).rows[0]!.n;

  /** A case of the holder's, referred (with the person's consent) to the receiver. */
  const referredCase = async () => {
    const opened = await post(holderCaseworker, '/cases', OPEN_CASE_BODY);
    expect(opened.statusCode).toBe(201);
    const caseId = opened.json().caseId as string;
    const consent = await post(holderCaseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiverId,
      obtainedInLanguage: 'en',
      interpreterUsed: false,
    });
    expect(consent.statusCode).toBe(200);
    const referral = await post(holderCaseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: receiverId,
      service: 'Accommodation',
    });
    expect(referral.statusCode).toBe(200);
    return {
      caseId,
      referral: `/cases/${caseId}/referrals/${referral.json().referralId as string}`,
    };
  };

  it("answers the receiver's retry of a decline as the first time, though it no longer reaches the case", async () => {
    const { caseId, referral } = await referredCase();
    const body = { personal: { text: 'no capacity' } };
    const first = await post(receiverCaseworker, `${referral}/decline`, body, 'decline-1');
    expect(first.statusCode).toBe(200);
    const appended = await events(caseId);
    // The receiver no longer reaches the case: a new command is 404.
    expect((await post(receiverCaseworker, `${referral}/accept`, {}, 'accept-x')).statusCode).toBe(
      404,
    );

    const retry = await post(receiverCaseworker, `${referral}/decline`, body, 'decline-1');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);
    expect(retry.headers['x-position']).toBe(first.headers['x-position']);

    // Anything but the same request by the same caller is refused as before.
    const refused = [
      await post(
        receiverCaseworker,
        `${referral}/decline`,
        { personal: { text: 'x' } },
        'decline-1',
      ),
      await post(receiverCaseworker, `${referral}/decline`, body),
      await post(receiverCaseworker, `${referral}/decline`, body, 'decline-2'),
      await post(receiverSupervisor, `${referral}/decline`, body, 'decline-1'),
      await post(receiverCaseworker, `${referral}/complete`, {}, 'decline-1'),
      await post(receiverCaseworker, `${referral}/decline`, body, 'not a valid key'),
    ];
    expect(refused.map((r) => r.statusCode)).toEqual([404, 404, 404, 404, 404, 404]);
    expect(await events(caseId)).toBe(appended);
  });

  it('answers retries of an accept and a complete after the referral was completed', async () => {
    const { caseId, referral } = await referredCase();
    const accepted = await post(receiverCaseworker, `${referral}/accept`, {}, 'accept-1');
    const completed = await post(receiverCaseworker, `${referral}/complete`, {}, 'complete-1');
    expect([accepted.statusCode, completed.statusCode]).toEqual([200, 200]);
    const appended = await events(caseId);
    const again = [
      await post(receiverCaseworker, `${referral}/accept`, {}, 'accept-1'),
      await post(receiverCaseworker, `${referral}/complete`, {}, 'complete-1'),
    ];
    expect(again.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(again.map((r) => r.json())).toEqual([accepted.json(), completed.json()]);
    expect(await events(caseId)).toBe(appended);
  });

  it('audits the replay as an answered request, not as a refusal', async () => {
    const { rows } = await suite.pool.query<{ status: number; n: number }>(
      `SELECT status, count(*)::int AS n FROM audit_trail
        WHERE route LIKE '%/referrals/:referralId/decline' GROUP BY status ORDER BY status`,
    );
    expect(rows).toEqual([
      { status: 200, n: 2 },
      { status: 404, n: 5 },
    ]);
  });
});
