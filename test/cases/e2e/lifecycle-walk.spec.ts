import { addDays, calendarDateIn } from '@remedy/case-domain';
import { CASE_CIPHER, CaseCommandsModule } from '@remedy/case-commands';
import { CaseReadModelsModule } from '@remedy/case-read-models';
import { CaseRemindersModule } from '@remedy/case-reminders';
import { ALL_PROJECTIONS } from '@remedy/read-models';
import { createApiApp, type ApiApp, type TestUser } from '../../support/api-app';
import { organisationWithStaff, type OrganisationWithStaff } from '../commands/support';

/**
 * Issue 3, "Case lifecycle", walked end to end through the API's composition (commands, read
 * models, due reminders; every projection running in process) on real PostgreSQL, with tokens of
 * the local issuer. Every read after a write sends the write's position as X-Min-Position (no
 * sleeps). After each step the walk checks the case list, the detail (ETag = revision), the new
 * timeline entries (occurred and recorded times) and the as-of view at the previous step's
 * recorded time (what was known then, not what came later).
 *
 * Case 1, an adult: opened → presumed victim → consents (assistance; referral naming B) →
 * reflection period → law-enforcement cooperation `declined` → assistance all the same (rule 1) →
 * referral to B, accepted by B's caseworker, B assists, B completes → closure requested by a
 * caseworker, approved by a supervisor (four eyes, If-Match) → reopened.
 * Case 2, a presumed minor: presume-minority → referral consent → referral refused (rule 3) until
 * a supervisor records a best-interests assessment for the referral.
 */

const TZ = 'Europe/Vienna';
const DAY = 86_400_000;

interface CommandAnswer {
  caseId: string;
  revision: number;
  position: string;
  caseReference?: string;
  [created: string]: unknown;
}

interface ListItem {
  caseId: string;
  reference: string;
  status: string;
  identificationStatus: string;
  childAtOpening: boolean | null;
  childAtIdentification: boolean | null;
  childNow: boolean;
  openReferrals: number;
  nextDeadline: string | null;
  lastRevision: number;
}

interface TimelineEntry {
  revision: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actorId: string;
  organisationId: string;
  facts: Record<string, unknown>;
  personal?: { erased: boolean; value?: Record<string, unknown> };
}

/** What the walk remembers of a case's last step: for the as-of checks of the next one. */
interface Step {
  revision: number;
  position: string;
  recordedAt: string;
}

describe('case lifecycle walk (issue 3): commands, list, detail, timeline, as-of, referrals', () => {
  let api: ApiApp;
  let admin: TestUser;
  let holder: OrganisationWithStaff;
  let receiver: OrganisationWithStaff;
  const today = calendarDateIn(new Date(), TZ);
  const reflectionEndsOn = addDays(today, 59); // 60 days from today, inclusive
  const openedOccurredAt = new Date(Date.now() - 3 * DAY).toISOString();
  const identifiedOccurredAt = new Date(Date.now() - 2 * DAY).toISOString();

  const answerFields = new Set<string>(); // every field of every command answer
  const last = new Map<string, Step>(); // per case
  const steps = new Map<string, Step>(); // by step name
  let adultCase: string;
  let adultReference: string;
  let childCase: string;
  let referralId: string;
  let childReferralId: string;

  beforeAll(async () => {
    api = await createApiApp({
      modules: [
        CaseCommandsModule,
        CaseReadModelsModule.forRoot({ imports: [CaseCommandsModule], cipherToken: CASE_CIPHER }),
        CaseRemindersModule.forApi(),
      ],
      projections: ALL_PROJECTIONS,
      env: { REMEDY_JURISDICTION_TIMEZONE: TZ },
    });
    admin = await api.user(['admin']);
    holder = await organisationWithStaff(api, admin);
    receiver = await organisationWithStaff(api, admin, {
      name: 'Receiving counselling service',
      services: ['Psychological', 'Accommodation'],
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  // ---------------------------------------------------------------- helpers

  /** A command that must succeed; answers its body. */
  async function command(
    user: TestUser,
    url: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<CommandAnswer> {
    const res = await api.post(user, url, body, headers);
    if (res.statusCode !== 200 && res.statusCode !== 201)
      throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    const answer = res.json() as CommandAnswer;
    for (const key of Object.keys(answer)) answerFields.add(key);
    expect(res.headers.etag).toBe(`"${answer.revision}"`);
    expect(res.headers['x-position']).toBe(answer.position);
    return answer;
  }

  const read = (user: TestUser, url: string, position: string) =>
    api.get(user, url, { 'x-min-position': position });

  async function listItem(
    caseId: string,
    position: string,
    query = '',
    user: TestUser = holder.caseworker,
  ): Promise<ListItem | undefined> {
    const res = await read(user, `/cases?limit=100${query}`, position);
    expect(res.statusCode).toBe(200);
    return (res.json().items as ListItem[]).find((i) => i.caseId === caseId);
  }

  async function asOf(caseId: string, recordedAt: string) {
    const res = await api.get(
      holder.caseworker,
      `/cases/${caseId}/as-of?recordedAt=${encodeURIComponent(recordedAt)}`,
    );
    expect(res.statusCode).toBe(200);
    return res.json() as {
      revision: number | null;
      events: number;
      state: Record<string, any>;
    };
  }

  /**
   * After a write: the detail answers with ETag = the write's revision, the timeline holds exactly
   * the new events (with both times), the list row is at the new revision, and the as-of view at
   * the previous step's recorded time is still the case as it was then.
   */
  async function observe(name: string, answer: CommandAnswer, types: readonly string[]) {
    const { caseId, revision, position } = answer;
    const before = last.get(caseId);

    const detailRes = await read(holder.caseworker, `/cases/${caseId}`, position);
    expect(detailRes.statusCode).toBe(200);
    expect(detailRes.headers.etag).toBe(`"${revision}"`);
    const detail = detailRes.json();
    expect(detail.revision).toBe(revision);

    const after = before ? `?afterRevision=${before.revision}` : '';
    const timelineRes = await read(
      holder.caseworker,
      `/cases/${caseId}/timeline${after}`,
      position,
    );
    expect(timelineRes.statusCode).toBe(200);
    const entries = timelineRes.json().items as TimelineEntry[];
    expect(entries.map((e) => e.type)).toEqual(types);
    expect(entries[entries.length - 1]!.revision).toBe(revision);
    for (const e of entries) {
      expect(e.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
      expect(e.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
      expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(Date.parse(e.recordedAt) + 1000);
      if (before) expect(Date.parse(e.recordedAt)).toBeGreaterThan(Date.parse(before.recordedAt));
    }

    const item = await listItem(caseId, position);
    expect(item).toBeDefined();
    expect(item!.lastRevision).toBe(revision);

    let previous: Awaited<ReturnType<typeof asOf>> | undefined;
    if (before) {
      // As recorded by the previous step: its revision, none of this step's events.
      previous = await asOf(caseId, before.recordedAt);
      expect(previous.revision).toBe(before.revision);
      expect(previous.events).toBe(before.revision + 1);
    }
    const step = { revision, position, recordedAt: entries[entries.length - 1]!.recordedAt };
    last.set(caseId, step);
    steps.set(name, step);
    return { detail, entries, item: item!, previous };
  }

  const lastPosition = (caseId: string) => last.get(caseId)!.position;

  // ---------------------------------------------------------------- case 1: an adult

  it('opens a case (occurred days ago, recorded now): listed open, not identified, adult', async () => {
    const body = {
      referralSource: 'NGO',
      profile: {
        sexGender: 'Masculine',
        ageUncertain: false,
        citizenships: ['UA'],
        languages: ['uk', 'ru'],
      },
      personal: { fullName: 'Walk Person', birthDate: '1990-04-02' },
      occurredAt: openedOccurredAt,
    };
    const opened = await command(holder.caseworker, '/cases', body, {
      'idempotency-key': 'walk-open-1',
    });
    adultCase = opened.caseId;
    adultReference = opened.caseReference!;
    expect(opened.revision).toBe(0);
    expect(adultReference).toMatch(new RegExp(`^${holder.code}-\\d{4}-\\d{5}$`));

    // A retry with the same key answers the same case and appends nothing.
    const retry = await api.post(holder.caseworker, '/cases', body, {
      'idempotency-key': 'walk-open-1',
    });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toMatchObject({ caseId: adultCase, revision: 0 });

    const { detail, entries, item } = await observe('opened', opened, ['CaseOpened']);
    expect(item).toMatchObject({
      reference: adultReference,
      status: 'open',
      identificationStatus: 'not_identified',
      childAtOpening: false,
      childAtIdentification: null,
      childNow: false,
      openReferrals: 0,
      nextDeadline: null,
    });
    expect(detail).toMatchObject({
      caseId: adultCase,
      organisationId: holder.organisationId,
      reference: adultReference,
      status: 'open',
      presumedMinor: false,
      reflectionPeriodEndsOn: null,
      bestInterestsPending: [],
      personal: {
        opening: { erased: false, value: { fullName: 'Walk Person', birthDate: '1990-04-02' } },
      },
    });
    expect(detail.facts).toMatchObject({
      referralSource: 'NGO',
      profile: { sexGender: 'Masculine', birthYear: 1990, citizenships: ['UA'] },
    });
    // Occurred three days ago, recorded now.
    expect(entries[0]!.occurredAt).toBe(openedOccurredAt);
    expect(Date.parse(entries[0]!.recordedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(entries[0]).toMatchObject({
      actorId: holder.caseworker.userId,
      organisationId: holder.organisationId,
    });
    // The system had recorded nothing of it yesterday, although it happened before.
    const yesterday = await asOf(adultCase, new Date(Date.now() - DAY).toISOString());
    expect(yesterday).toMatchObject({
      revision: null,
      events: 0,
      state: { lifecycle: 'not_opened' },
    });
    // Another organisation does not learn that the case exists.
    expect(
      (await read(receiver.caseworker, `/cases/${adultCase}`, opened.position)).statusCode,
    ).toBe(404);
    expect(await listItem(adultCase, opened.position, '', receiver.caseworker)).toBeUndefined();
  });

  it('finds the person by name and birth date (blind index)', async () => {
    const res = await api.post(holder.caseworker, '/cases/search', {
      fullName: 'WALK  person',
      birthDate: '1990-04-02',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().matches).toEqual([{ caseId: adultCase, caseReference: adultReference }]);
  });

  it('records a presumed victim (PossibleVictimOfTrafficking, decided by an NGO)', async () => {
    const decidedOn = calendarDateIn(new Date(identifiedOccurredAt), TZ);
    const answer = await command(holder.caseworker, `/cases/${adultCase}/victim-status`, {
      status: 'PossibleVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn,
      formsOfExploitation: ['ForcedLabour'],
      sectors: ['F_Construction'],
      countriesOfRecruitment: ['UA'],
      countriesOfTransit: ['PL'],
      countriesOfExploitation: ['AT'],
      meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
      personal: { text: 'worked on a building site without pay' },
      occurredAt: identifiedOccurredAt,
    });
    expect(answer.revision).toBe(1);
    const { detail, entries, item, previous } = await observe('identified', answer, [
      'VictimIdentified',
    ]);
    expect(item).toMatchObject({
      identificationStatus: 'PossibleVictimOfTrafficking',
      childAtIdentification: false,
      childNow: false,
    });
    expect(detail.identificationStatus).toBe('PossibleVictimOfTrafficking');
    expect(detail.facts.identification).toMatchObject({
      status: 'PossibleVictimOfTrafficking',
      decidingBody: 'NGO',
      decidedOn,
      formsOfExploitation: ['ForcedLabour'],
      sectors: ['F_Construction'],
    });
    expect(detail.personal.identification).toEqual({
      erased: false,
      value: { text: 'worked on a building site without pay' },
    });
    expect(entries[0]!.occurredAt).toBe(identifiedOccurredAt);
    expect(entries[0]!.facts).toMatchObject({ status: 'PossibleVictimOfTrafficking' });
    expect(entries[0]!.personal).toEqual({
      erased: false,
      value: { text: 'worked on a building site without pay' },
    });
    // As recorded at opening: no status yet, although the decision occurred before that record.
    expect(previous!.state.victimStatus).toBeUndefined();
    expect(
      await listItem(
        adultCase,
        answer.position,
        '&identificationStatus=PossibleVictimOfTrafficking',
      ),
    ).toBeDefined();
    expect(
      await listItem(adultCase, answer.position, '&identificationStatus=not_identified'),
    ).toBeUndefined();
  });

  it('records consent to assistance, then to a referral naming the receiving organisation', async () => {
    const assistance = await command(holder.caseworker, `/cases/${adultCase}/consents`, {
      purpose: 'assistance',
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    const first = await observe('consent-assistance', assistance, ['ConsentGiven']);
    expect(first.entries[0]!.facts).toMatchObject({
      purpose: 'assistance',
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    expect(first.detail.facts.state.liveConsents).toEqual(['assistance:']);
    expect(first.previous!.state.liveConsents).toEqual([]);

    const referral = await command(holder.caseworker, `/cases/${adultCase}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'uk',
      interpreterUsed: true,
    });
    const second = await observe('consent-referral', referral, ['ConsentGiven']);
    expect(second.entries[0]!.facts).toMatchObject({
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
    });
    expect(second.detail.facts.state.liveConsents).toEqual([
      'assistance:',
      `referral:${receiver.organisationId}`,
    ]);
    // As recorded after the first consent: only that one.
    expect(second.previous!.state.liveConsents).toEqual(['assistance:']);
  });

  it('grants a recovery and reflection period: its end is the next deadline', async () => {
    const tooShort = await api.post(holder.caseworker, `/cases/${adultCase}/reflection-period`, {
      startsOn: today,
      days: 29,
    });
    expect(tooShort.statusCode).toBe(422);
    expect(tooShort.json().rule).toBe('RULE_4_REFLECTION_PERIOD_TOO_SHORT');

    const answer = await command(holder.caseworker, `/cases/${adultCase}/reflection-period`, {
      startsOn: today,
      days: 60,
    });
    expect(answer.revision).toBe(4); // the refusal appended nothing
    const { detail, entries, item, previous } = await observe('reflection', answer, [
      'ReflectionPeriodGranted',
    ]);
    expect(entries[0]!.facts).toMatchObject({
      startsOn: today,
      endsOn: reflectionEndsOn,
      days: 60,
    });
    expect(item.nextDeadline).toBe(reflectionEndsOn);
    expect(detail).toMatchObject({
      reflectionPeriodEndsOn: reflectionEndsOn,
      nextDeadline: reflectionEndsOn,
    });
    expect(previous!.state.reflectionPeriod).toBeUndefined();
  });

  it("records the person's choice not to cooperate with law enforcement (information only)", async () => {
    const answer = await command(
      holder.caseworker,
      `/cases/${adultCase}/law-enforcement-cooperation`,
      { cooperation: 'declined' },
    );
    const { detail, entries, previous } = await observe('cooperation', answer, [
      'LawEnforcementCooperationRecorded',
    ]);
    expect(entries[0]!.facts).toMatchObject({ cooperation: 'declined' });
    expect(detail.facts.state.information).toEqual({ lawEnforcementCooperation: 'declined' });
    expect(previous!.state.information).toEqual({});
  });

  it('provides assistance although the person declined to cooperate (rule 1)', async () => {
    const answer = await command(holder.caseworker, `/cases/${adultCase}/assistance`, {
      assistanceType: 'Accommodation',
      from: today,
      personal: { text: 'shelter place arranged' },
    });
    expect(answer.assistanceId).toMatch(/^[0-9a-f-]{36}$/);
    const { entries, item, previous } = await observe('assistance', answer, ['AssistanceProvided']);
    expect(entries[0]!.facts).toMatchObject({
      assistanceId: answer.assistanceId,
      assistanceType: 'Accommodation',
      providedByOrganisationId: holder.organisationId,
      from: today,
    });
    expect(entries[0]!.personal).toEqual({
      erased: false,
      value: { text: 'shelter place arranged' },
    });
    expect(item.status).toBe('open');
    // As recorded when the cooperation was: declined, and no assistance event yet.
    expect(previous!.state.information).toEqual({ lawEnforcementCooperation: 'declined' });
  });

  it('refers the case to an organisation of the directory: the sender sees it out, the receiver in', async () => {
    const answer = await command(holder.caseworker, `/cases/${adultCase}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Psychological',
      personal: { text: 'needs counselling in Ukrainian' },
    });
    referralId = answer.referralId as string;
    expect(referralId).toMatch(/^[0-9a-f-]{36}$/);
    const { detail, entries, item, previous } = await observe('referred', answer, ['CaseReferred']);
    expect(entries[0]!.facts).toMatchObject({
      referralId,
      toOrganisationId: receiver.organisationId,
      service: 'Psychological',
    });
    expect(item.openReferrals).toBe(1);
    expect(detail.openReferrals).toBe(1);
    expect(detail.facts.state.referrals[referralId]).toEqual({
      fromOrganisationId: holder.organisationId,
      toOrganisationId: receiver.organisationId,
      status: 'pending',
    });
    expect(previous!.state.referrals).toEqual({});
    expect(await listItem(adultCase, answer.position, '&hasOpenReferrals=true')).toBeDefined();
    expect(await listItem(adultCase, answer.position, '&hasOpenReferrals=false')).toBeUndefined();

    const out = await read(holder.caseworker, '/referrals?direction=out', answer.position);
    expect(out.statusCode).toBe(200);
    expect(out.json().items).toEqual([
      expect.objectContaining({
        referralId,
        direction: 'out',
        status: 'pending',
        service: 'Psychological',
        fromOrganisationId: holder.organisationId,
        toOrganisationId: receiver.organisationId,
        caseId: adultCase,
        caseReference: adultReference,
        answeredAt: null,
      }),
    ]);
    const incoming = await read(receiver.caseworker, '/referrals?direction=in', answer.position);
    expect(incoming.statusCode).toBe(200);
    expect(incoming.json().items).toHaveLength(1);
    expect(incoming.json().items[0]).toMatchObject({
      referralId,
      direction: 'in',
      status: 'pending',
      caseId: adultCase,
      fromOrganisationId: holder.organisationId,
    });
    // The sender's own reference is not the receiver's business.
    expect(incoming.json().items[0]).not.toHaveProperty('caseReference');
    // Nothing the other way round.
    expect(
      (await read(holder.caseworker, '/referrals?direction=in', answer.position)).json().items,
    ).toEqual([]);
    expect(
      (await read(receiver.caseworker, '/referrals?direction=out', answer.position)).json().items,
    ).toEqual([]);
  });

  it("is accepted by the receiving organisation's caseworker, who then assists and completes it", async () => {
    const accepted = await command(
      receiver.caseworker,
      `/cases/${adultCase}/referrals/${referralId}/accept`,
      {},
    );
    const a = await observe('accepted', accepted, ['ReferralAccepted']);
    expect(a.entries[0]).toMatchObject({
      actorId: receiver.caseworker.userId,
      organisationId: receiver.organisationId,
      facts: { referralId },
    });
    expect(a.item.openReferrals).toBe(1);
    expect(a.detail.facts.state.referrals[referralId].status).toBe('accepted');
    expect(a.previous!.state.referrals[referralId].status).toBe('pending');
    const incoming = await read(
      receiver.caseworker,
      '/referrals?direction=in&status=accepted',
      accepted.position,
    );
    expect(incoming.json().items).toEqual([
      expect.objectContaining({ referralId, status: 'accepted', caseId: adultCase }),
    ]);
    expect(incoming.json().items[0].answeredAt).not.toBeNull();
    const out = await read(holder.caseworker, '/referrals?direction=out', accepted.position);
    expect(out.json().items[0]).toMatchObject({ referralId, status: 'accepted' });

    // The receiver provides the service it accepted (on the holder's consent to assistance).
    const assisted = await command(receiver.caseworker, `/cases/${adultCase}/assistance`, {
      assistanceType: 'Psychological',
    });
    const b = await observe('receiver-assisted', assisted, ['AssistanceProvided']);
    expect(b.entries[0]!.facts).toMatchObject({
      assistanceType: 'Psychological',
      providedByOrganisationId: receiver.organisationId,
    });

    const completed = await command(
      receiver.caseworker,
      `/cases/${adultCase}/referrals/${referralId}/complete`,
      {},
    );
    const c = await observe('completed', completed, ['ReferralCompleted']);
    expect(c.item.openReferrals).toBe(0);
    expect(c.previous!.state.referrals[referralId].status).toBe('accepted');
    const done = await read(holder.caseworker, '/referrals?direction=out', completed.position);
    expect(done.json().items[0]).toMatchObject({ referralId, status: 'completed' });
    expect(done.json().items[0].closedAt).not.toBeNull();
  });

  // ---------------------------------------------------------------- case 2: a presumed minor

  it('opens a second case whose age is uncertain (estimated 19): an adult by the estimate', async () => {
    const opened = await command(holder.caseworker, '/cases', {
      referralSource: 'LabourInspectorate',
      profile: {
        sexGender: 'Masculine',
        estimatedAge: 19,
        ageUncertain: true,
        citizenships: ['AF'],
        languages: ['fa'],
      },
      personal: { fullName: 'Young Walk Person' },
    });
    childCase = opened.caseId;
    const { item, detail } = await observe('child-opened', opened, ['CaseOpened']);
    expect(item).toMatchObject({ status: 'open', childAtOpening: false, childNow: false });
    expect(detail).toMatchObject({ presumedMinor: false, childNow: false });
    expect(await listItem(childCase, opened.position, '&child=false')).toBeDefined();
  });

  it('presumes minority: from now on the person is a child (rule 3)', async () => {
    const answer = await command(holder.caseworker, `/cases/${childCase}/presume-minority`, {
      personal: { text: 'says he is 16; school certificate seen' },
    });
    const { item, detail, entries, previous } = await observe('presumed-minor', answer, [
      'MinorityPresumed',
    ]);
    expect(item.childNow).toBe(true);
    expect(detail).toMatchObject({ presumedMinor: true, childNow: true });
    expect(entries[0]!.personal).toEqual({
      erased: false,
      value: { text: 'says he is 16; school certificate seen' },
    });
    expect(previous!.state.age.presumedMinor).toBe(false);
    // The child filter sees the presumed minor, not the adult; and the other way round.
    expect(await listItem(childCase, answer.position, '&child=true')).toBeDefined();
    expect(await listItem(adultCase, answer.position, '&child=true')).toBeUndefined();
    expect(await listItem(childCase, answer.position, '&child=false')).toBeUndefined();
    expect(await listItem(adultCase, answer.position, '&child=false')).toBeDefined();
  });

  it("refuses the child's referral until a best-interests assessment is recorded for it", async () => {
    const consent = await command(holder.caseworker, `/cases/${childCase}/consents`, {
      purpose: 'referral',
      receivingOrganisationId: receiver.organisationId,
      obtainedInLanguage: 'fa',
      interpreterUsed: true,
    });
    await observe('child-consent', consent, ['ConsentGiven']);

    const refused = await api.post(holder.caseworker, `/cases/${childCase}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Accommodation',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().rule).toBe('RULE_3_BEST_INTERESTS_REQUIRED');
    expect(refused.body).not.toContain('Young Walk Person');
    // Nothing was appended: same ETag, no referral either side.
    const unchanged = await read(holder.caseworker, `/cases/${childCase}`, consent.position);
    expect(unchanged.headers.etag).toBe(`"${consent.revision}"`);
    expect(unchanged.json().openReferrals).toBe(0);

    // A caseworker may not record the assessment; a supervisor does.
    const notSupervisor = await api.post(
      holder.caseworker,
      `/cases/${childCase}/best-interests-assessments`,
      { decision: 'referral', outcome: 'proceed', guardianPresent: true },
    );
    expect(notSupervisor.statusCode).toBe(422);
    expect(notSupervisor.json().rule).toBe('ROLE_SUPERVISOR_REQUIRED');

    const assessed = await command(
      holder.supervisor,
      `/cases/${childCase}/best-interests-assessments`,
      {
        decision: 'referral',
        outcome: 'proceed',
        guardianPresent: true,
        personal: { text: 'a shelter for boys near his school is in his best interests' },
      },
    );
    expect(assessed.assessmentId).toMatch(/^[0-9a-f-]{36}$/);
    const b = await observe('child-assessed', assessed, ['BestInterestsAssessmentRecorded']);
    expect(b.entries[0]).toMatchObject({
      actorId: holder.supervisor.userId,
      facts: { decision: 'referral', outcome: 'proceed', guardianPresent: true },
    });
    expect(b.detail.facts.state.bestInterests).toEqual({ referral: 'proceed' });
    expect(b.previous!.state.bestInterests).toEqual({});

    const referred = await command(holder.caseworker, `/cases/${childCase}/referrals`, {
      toOrganisationId: receiver.organisationId,
      service: 'Accommodation',
    });
    childReferralId = referred.referralId as string;
    const r = await observe('child-referred', referred, ['CaseReferred']);
    expect(r.item).toMatchObject({ openReferrals: 1, childNow: true });
    // The referral used the assessment up; as recorded before, it was there.
    expect(r.detail.facts.state.bestInterests).toEqual({});
    expect(r.previous!.state.bestInterests).toEqual({ referral: 'proceed' });
    const incoming = await read(receiver.caseworker, '/referrals?direction=in', referred.position);
    expect(incoming.json().items.map((i: { referralId: string }) => i.referralId)).toEqual([
      childReferralId,
      referralId,
    ]);
    expect(incoming.json().items[0]).toMatchObject({ caseId: childCase, status: 'pending' });
  });

  // ---------------------------------------------------------------- case 1: closure and reopening

  it('takes a closure request from the caseworker: closure_requested (no assessment pending for an adult)', async () => {
    const answer = await command(holder.caseworker, `/cases/${adultCase}/closure/request`, {
      reason: 'assistance_completed',
      personal: { text: 'moved to a flat of his own' },
    });
    const { item, detail, entries, previous } = await observe('closure-requested', answer, [
      'ClosureRequested',
    ]);
    expect(entries[0]!.facts).toMatchObject({ reason: 'assistance_completed' });
    expect(item).toMatchObject({ status: 'closure_requested', nextDeadline: reflectionEndsOn });
    expect(detail).toMatchObject({ status: 'closure_requested', bestInterestsPending: [] });
    expect(previous!.state.closureRequest).toBeUndefined();
    expect(await listItem(adultCase, answer.position, '&status=closure_requested')).toBeDefined();
  });

  it('is approved by a supervisor on the current ETag (If-Match); the case is closed', async () => {
    const requested = steps.get('closure-requested')!;
    // The requesting caseworker may not approve it: a supervisor decides.
    const own = await api.post(holder.caseworker, `/cases/${adultCase}/closure/approve`, {});
    expect(own.statusCode).toBe(422);
    expect(own.json().rule).toBe('ROLE_SUPERVISOR_REQUIRED');
    const stale = await api.post(
      holder.supervisor,
      `/cases/${adultCase}/closure/approve`,
      {},
      { 'if-match': `"${requested.revision - 1}"` },
    );
    expect(stale.statusCode).toBe(412);

    const detail = await read(holder.supervisor, `/cases/${adultCase}`, requested.position);
    const answer = await command(
      holder.supervisor,
      `/cases/${adultCase}/closure/approve`,
      {},
      { 'if-match': detail.headers.etag as string },
    );
    expect(answer.revision).toBe(requested.revision + 1);
    const { item, entries, previous } = await observe('closed', answer, ['ClosureApproved']);
    expect(entries[0]).toMatchObject({
      actorId: holder.supervisor.userId,
      facts: { reason: 'assistance_completed', requestedBy: holder.caseworker.userId },
    });
    expect(item).toMatchObject({ status: 'closed', nextDeadline: null });
    expect(previous!.state).toMatchObject({
      lifecycle: 'open',
      closureRequest: { requestedBy: holder.caseworker.userId, reason: 'assistance_completed' },
    });
    expect(await listItem(adultCase, answer.position, '&status=closed')).toBeDefined();
    expect(await listItem(adultCase, answer.position, '&status=open')).toBeUndefined();
    // A closed case takes no new assistance.
    const late = await api.post(holder.caseworker, `/cases/${adultCase}/assistance`, {
      assistanceType: 'SocialCare',
    });
    expect(late.statusCode).toBe(422);
    expect(late.json().rule).toBe('CASE_CLOSED');
  });

  it('reopens: open again, the reflection period is the next deadline again', async () => {
    const answer = await command(holder.caseworker, `/cases/${adultCase}/reopen`, {
      personal: { text: 'came back after losing the flat' },
    });
    const { item, detail, previous } = await observe('reopened', answer, ['CaseReopened']);
    expect(item).toMatchObject({ status: 'open', nextDeadline: reflectionEndsOn });
    expect(detail).toMatchObject({ status: 'open', reflectionPeriodEndsOn: reflectionEndsOn });
    expect(previous!.state.lifecycle).toBe('closed');
  });

  it("shows a child's closure request as waiting for a best-interests assessment", async () => {
    const answer = await command(holder.caseworker, `/cases/${childCase}/closure/request`, {
      reason: 'transferred_elsewhere',
    });
    const { item, detail } = await observe('child-closure-requested', answer, ['ClosureRequested']);
    expect(item).toMatchObject({ status: 'closure_requested', childNow: true });
    expect(detail.bestInterestsPending).toEqual(['closure']);
    const refused = await api.post(holder.supervisor, `/cases/${childCase}/closure/approve`, {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().rule).toBe('RULE_3_BEST_INTERESTS_REQUIRED');
  });

  it('keeps the whole history: one timeline, both times per entry, and any earlier state on request', async () => {
    const position = lastPosition(adultCase);
    const res = await read(holder.caseworker, `/cases/${adultCase}/timeline`, position);
    const entries = res.json().items as TimelineEntry[];
    expect(entries.map((e) => e.type)).toEqual([
      'CaseOpened',
      'VictimIdentified',
      'ConsentGiven',
      'ConsentGiven',
      'ReflectionPeriodGranted',
      'LawEnforcementCooperationRecorded',
      'AssistanceProvided',
      'CaseReferred',
      'ReferralAccepted',
      'AssistanceProvided',
      'ReferralCompleted',
      'ClosureRequested',
      'ClosureApproved',
      'CaseReopened',
    ]);
    expect(entries.map((e) => e.revision)).toEqual(entries.map((_, i) => i));
    const recorded = entries.map((e) => Date.parse(e.recordedAt));
    expect([...recorded].sort((x, y) => x - y)).toEqual(recorded);

    // As recorded when the referral was made: a presumed victim with a pending referral, open.
    const atReferral = await asOf(adultCase, steps.get('referred')!.recordedAt);
    expect(atReferral.revision).toBe(steps.get('referred')!.revision);
    expect(atReferral.state).toMatchObject({
      lifecycle: 'open',
      victimStatus: 'PossibleVictimOfTrafficking',
      reflectionPeriod: { endsOn: reflectionEndsOn, days: 60 },
      referrals: { [referralId]: { status: 'pending' } },
    });
    expect(atReferral.state.closureRequest).toBeUndefined();
    // As recorded when it was closed: closed.
    expect((await asOf(adultCase, steps.get('closed')!.recordedAt)).state.lifecycle).toBe('closed');
    // The list, sorted by next deadline, shows both cases at their current state.
    const list = await read(holder.caseworker, '/cases?sort=next_deadline', position);
    expect(list.json().items).toEqual([
      expect.objectContaining({
        caseId: adultCase,
        status: 'open',
        nextDeadline: reflectionEndsOn,
      }),
      expect.objectContaining({
        caseId: childCase,
        status: 'closure_requested',
        nextDeadline: null,
        openReferrals: 1,
      }),
    ]);
  });

  it('answers commands only with fields the OpenAPI document describes', async () => {
    const doc = (await api.request(undefined, { method: 'GET', url: '/docs-json' })).json() as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const documented = Object.keys(doc.components.schemas.CaseCommandResponseDto!.properties);
    expect(answerFields.size).toBeGreaterThan(4);
    for (const field of answerFields) expect(documented).toContain(field);
  });
});
