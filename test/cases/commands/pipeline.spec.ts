import { CONFLICT_RETRY } from '@remedy/case-commands';
import { EVENT_STORE, type EventStore, type NewEvent } from '@remedy/event-store';
import {
  commandsAppPerSuite,
  eventCount,
  newId,
  openCase,
  organisationWithStaff,
  type TestUser,
  type OrganisationWithStaff,
} from './support';
import { caseStreamId } from '@remedy/case-stream';

/**
 * The command pipeline end to end: append and answer (ETag, X-Position), If-Match (412),
 * concurrent writers (retried up to CONFLICT_RETRY without If-Match, else 409), access (404 across organisations,
 * 403 for roles without case content), domain refusals (422 naming the rule), and the directory
 * check for referrals and transfers.
 */
describe('case command pipeline (HTTP, PostgreSQL)', () => {
  const api = commandsAppPerSuite();
  let admin: TestUser;
  let holder: OrganisationWithStaff;
  let other: OrganisationWithStaff;

  beforeAll(async () => {
    admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    other = await organisationWithStaff(api, admin);
  });

  const note = (
    user: TestUser,
    caseId: string,
    text = 'a note',
    headers: Record<string, string> = {},
  ) => api.post(user, `/cases/${caseId}/notes`, { personal: { text } }, headers);

  it('opens a case: 201, an opaque case id, a reference of the organisation, ETag and X-Position', async () => {
    const res = await api.post(holder.caseworker, '/cases', {
      referralSource: 'Hotline',
      profile: {
        sexGender: 'NonConforming',
        ageUncertain: false,
        citizenships: ['UA', 'PL'],
        languages: ['uk'],
      },
      personal: { fullName: 'Someone', birthDate: '1991-02-03' },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.caseId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.caseReference).toMatch(new RegExp(`^${holder.code}-\\d{4}-\\d{5}$`));
    expect(body.revision).toBe(0);
    expect(res.headers.etag).toBe('"0"');
    expect(res.headers['x-position']).toBe(body.position);
    const { rows } = await api.pool.query(
      'SELECT stream_id, event_type, metadata FROM events WHERE stream_id = $1',
      [caseStreamId(body.caseId)],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].event_type).toBe('CaseOpened');
    expect(Object.keys(rows[0].metadata).sort()).toEqual([
      'causationId',
      'correlationId',
      'organisationId',
      'userId',
    ]);
    expect(rows[0].metadata).toMatchObject({
      userId: holder.caseworker.userId,
      organisationId: holder.organisationId,
    });
  });

  it('appends the next command at the next revision', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const res = await note(holder.caseworker, caseId);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ caseId, revision: 1 });
    expect(res.json().noteId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.etag).toBe('"1"');
  });

  it('honours If-Match: 412 on a stale revision (nothing appended), success on the current one', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    await note(holder.caseworker, caseId);
    const stale = await note(holder.caseworker, caseId, 'x', { 'if-match': '"0"' });
    expect(stale.statusCode).toBe(412);
    expect(await eventCount(api, caseStreamId(caseId))).toBe(2);
    const fresh = await note(holder.caseworker, caseId, 'x', { 'if-match': '"1"' });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json().revision).toBe(2);
    const bad = await note(holder.caseworker, caseId, 'x', { 'if-match': 'yesterday' });
    expect(bad.statusCode).toBe(400);
  });

  describe('with a concurrent writer between load and append', () => {
    let store: EventStore;
    let original: EventStore['append'];
    let appendCalls = 0;

    /** Every append to the case stream is preceded by another writer's append to it. */
    const interfere = (caseId: string, times: number) => {
      let left = times;
      store.append = async (streamId, events, expected) => {
        if (streamId === caseStreamId(caseId)) {
          appendCalls++;
          if (left-- > 0) {
            const rival: NewEvent = {
              id: newId(),
              type: 'StatisticalUseObjectionRecorded',
              schemaVersion: 1,
              data: {
                caseId,
                organisationId: holder.organisationId,
                actorId: holder.supervisor.userId,
                occurredAt: new Date().toISOString(),
                recordedAt: new Date().toISOString(),
              },
              metadata: {
                correlationId: newId(),
                userId: holder.supervisor.userId,
                organisationId: holder.organisationId,
              },
              occurredAt: new Date(),
            };
            await original.call(store, streamId, [rival], 'any');
          }
        }
        return original.call(store, streamId, events, expected);
      };
    };

    beforeAll(() => {
      store = api.app.get<EventStore>(EVENT_STORE);
      original = store.append;
    });
    beforeEach(() => {
      appendCalls = 0;
    });
    afterEach(() => {
      store.append = original;
    });

    it('re-loads and re-decides once when no If-Match was sent', async () => {
      const { caseId } = await openCase(api, holder.caseworker);
      interfere(caseId, 1);
      const res = await note(holder.caseworker, caseId);
      expect(res.statusCode).toBe(200);
      expect(appendCalls).toBe(2);
      expect(res.json().revision).toBe(2); // after the rival's event
      expect(await eventCount(api, caseStreamId(caseId))).toBe(3);
    });

    it('retries until the append goes through when the stream moves several times', async () => {
      const { caseId } = await openCase(api, holder.caseworker);
      interfere(caseId, CONFLICT_RETRY.maxAttempts - 1);
      const res = await note(holder.caseworker, caseId);
      expect(res.statusCode).toBe(200);
      expect(appendCalls).toBe(CONFLICT_RETRY.maxAttempts);
      expect(res.json().revision).toBe(CONFLICT_RETRY.maxAttempts); // opening, rivals, the note
    });

    it(`answers 409 after ${CONFLICT_RETRY.maxAttempts} attempts when the stream keeps moving`, async () => {
      const { caseId } = await openCase(api, holder.caseworker);
      interfere(caseId, CONFLICT_RETRY.maxAttempts + 2);
      const res = await note(holder.caseworker, caseId);
      expect(res.statusCode).toBe(409);
      expect(appendCalls).toBe(CONFLICT_RETRY.maxAttempts);
      // The opening event and one rival per attempt; no note.
      expect(await eventCount(api, caseStreamId(caseId))).toBe(1 + CONFLICT_RETRY.maxAttempts);
    });

    it('answers 409 at once when the client sent If-Match', async () => {
      const { caseId } = await openCase(api, holder.caseworker);
      interfere(caseId, 1);
      const res = await note(holder.caseworker, caseId, 'x', { 'if-match': '"0"' });
      expect(res.statusCode).toBe(409);
      expect(appendCalls).toBe(1);
    });
  });

  it('answers 404 to another organisation and for unknown cases, never revealing which', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const foreign = await note(other.caseworker, caseId);
    const unknown = await note(other.caseworker, newId());
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.json()).toEqual(unknown.json());
    expect((await note(other.supervisor, caseId)).statusCode).toBe(404);
    expect((await note(other.rapporteur, caseId)).statusCode).toBe(404);
    expect(await eventCount(api, caseStreamId(caseId))).toBe(1);
  });

  it('answers 403 to roles that act on no case content within the organisation', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    expect((await note(holder.rapporteur, caseId)).statusCode).toBe(403);
    expect((await note(holder.admin, caseId)).statusCode).toBe(403);
    expect(
      (
        await api.post(holder.rapporteur, '/cases', {
          referralSource: 'Hotline',
          profile: {
            sexGender: 'Masculine',
            ageUncertain: false,
            citizenships: ['UA'],
            languages: [],
          },
          personal: {},
        })
      ).statusCode,
    ).toBe(403);
  });

  it('answers 400 naming the field for a bad case id or body, 401 without a token', async () => {
    const badId = await api.post(holder.caseworker, '/cases/not-a-uuid/notes', {
      personal: { text: 'x' },
    });
    expect(badId.statusCode).toBe(400);
    const { caseId } = await openCase(api, holder.caseworker);
    const unknownField = await api.post(holder.caseworker, `/cases/${caseId}/notes`, {
      personal: { text: 'x' },
      extra: 1,
    });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().fields).toContainEqual({ name: 'extra', reason: 'unknown field' });
    const badCode = await api.post(holder.caseworker, `/cases/${caseId}/victim-status`, {
      status: 'Maybe',
    });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().fields.map((f: { name: string }) => f.name)).toContain('status');
    expect(
      (await api.request(undefined, { method: 'POST', url: `/cases/${caseId}/notes`, payload: {} }))
        .statusCode,
    ).toBe(401);
  });

  it('answers 422 naming the rule when the domain refuses', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const res = await api.post(holder.caseworker, `/cases/${caseId}/reflection-period`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().rule).toBe('RULE_4_REFLECTION_PERIOD_NEEDS_VICTIM_STATUS');
    const approve = await api.post(holder.caseworker, `/cases/${caseId}/closure/approve`, {});
    expect(approve.statusCode).toBe(422);
  });

  it('refuses referrals and transfers to organisations outside the directory (REFERRAL_TARGET_UNKNOWN)', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const stranger = newId();
    await api.post(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: stranger,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    const refer = await api.post(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: stranger,
      service: 'Accommodation',
    });
    expect(refer.statusCode).toBe(422);
    expect(refer.json().rule).toBe('REFERRAL_TARGET_UNKNOWN');
    const transfer = await api.post(holder.supervisor, `/cases/${caseId}/transfer`, {
      toOrganisationId: stranger,
    });
    expect(transfer.statusCode).toBe(422);
    expect(transfer.json().rule).toBe('REFERRAL_TARGET_UNKNOWN');
  });

  it('lets a directory organisation receive a referral made with consent, and answer it', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const consent = await api.post(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: other.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    expect(consent.statusCode).toBe(200);
    const refer = await api.post(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: other.organisationId,
      service: 'Accommodation',
      personal: { text: 'needs a safe place' },
    });
    expect(refer.statusCode).toBe(200);
    const { referralId } = refer.json();
    const accept = await api.post(
      other.caseworker,
      `/cases/${caseId}/referrals/${referralId}/accept`,
      {},
    );
    expect(accept.statusCode).toBe(200);
    const complete = await api.post(
      other.caseworker,
      `/cases/${caseId}/referrals/${referralId}/complete`,
      {},
    );
    expect(complete.statusCode).toBe(200);
    // The referral is over: the receiver no longer reaches the case.
    expect((await note(other.caseworker, caseId)).statusCode).toBe(404);
  });

  it('cuts the receiver off at once when the person withdraws the consent (several events, one append)', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    const scope = { purpose: 'referral', receivingOrganisationId: other.organisationId };
    await api.post(holder.caseworker, `/cases/${caseId}/consents`, {
      ...scope,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    const refer = await api.post(holder.caseworker, `/cases/${caseId}/referrals`, {
      toOrganisationId: other.organisationId,
      service: 'Psychological',
    });
    expect(refer.json().revision).toBe(2);
    const { referralId } = refer.json();
    const accept = await api.post(
      other.caseworker,
      `/cases/${caseId}/referrals/${referralId}/accept`,
      {},
    );
    expect(accept.json().revision).toBe(3);
    const withdrawn = await api.post(
      holder.caseworker,
      `/cases/${caseId}/consents/withdraw`,
      scope,
    );
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json().revision).toBe(5); // ConsentWithdrawn + ReferralRevoked
    const { rows } = await api.pool.query(
      'SELECT event_type, metadata FROM events WHERE stream_id = $1 AND stream_revision >= 4 ORDER BY stream_revision',
      [caseStreamId(caseId)],
    );
    expect(rows.map((r: { event_type: string }) => r.event_type)).toEqual([
      'ConsentWithdrawn',
      'ReferralRevoked',
    ]);
    expect(rows[0].metadata.causationId).toBe(rows[1].metadata.causationId);
    const late = await api.post(
      other.caseworker,
      `/cases/${caseId}/referrals/${referralId}/complete`,
      {},
    );
    expect(late.statusCode).toBe(404);
  });

  it('transfers a case with consent: the receiver gets its own reference and holds the case', async () => {
    const { caseId } = await openCase(api, holder.caseworker);
    await api.post(holder.caseworker, `/cases/${caseId}/consents`, {
      purpose: 'transfer',
      receivingOrganisationId: other.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: false,
    });
    const res = await api.post(holder.supervisor, `/cases/${caseId}/transfer`, {
      toOrganisationId: other.organisationId,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().caseReference).toMatch(new RegExp(`^${other.code}-\\d{4}-\\d{5}$`));
    expect((await note(other.caseworker, caseId)).statusCode).toBe(200);
    expect((await note(holder.caseworker, caseId)).statusCode).toBe(404);
  });
});
