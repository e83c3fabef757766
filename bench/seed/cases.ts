/**
 * Seeds realistic case events straight into the `events` table of a migrated database: case
 * histories decided by the pure domain decider (open, victim status, reflection period,
 * caseworker, consents, needs, plan, assistance, notes, referrals, cooperation, closure), ~14
 * events per case on average, across 20 organisations over two years, events of different cases
 * interleaved in time as they would be. Personal fields are stored the way the command side
 * stores them, `data.personal = { sealed: "<ciphertext>" }`, with random placeholder ciphertexts
 * (the projections copy ciphertexts and never decrypt). Deterministic for a given seed.
 *
 *   npm run build && node dist/bench/seed/cases.js <database-url> [events=1000000] [seed=1]
 *
 * Used by `npm run bench` (section 4, replay).
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { prng, type Rng } from '../lib/prng';
import { decideInTurn } from '../lib/read-side';
import type { Actor, CaseCommand, CaseEvent } from '@remedy/case-domain';
import { caseStreamId } from '@remedy/case-stream';

// Decided in the benchmarks' jurisdiction (BENCH_TIME_ZONE, Europe/Vienna), by decideInTurn.
const ORGANISATIONS = 20;
/** Cases generated (and their events sorted by time) per chunk. */
const CASES_PER_CHUNK = 1_500;
const ROWS_PER_INSERT = 4_000;
/** Histories decided by the domain decider; every case is a clone of one of them. */
const TEMPLATES = 600;
const FIRST_DAY = Date.parse('2024-11-01T08:00:00Z');
const SPAN_MS = 2 * 365 * 86_400_000;

/** Placeholder ciphertexts of realistic sizes (base64url of 100-400 bytes). */
const CIPHERTEXTS = Array.from({ length: 64 }, (_, i) =>
  randomBytes(100 + ((i * 37) % 300)).toString('base64url'),
);

interface Organisation {
  readonly id: string;
  readonly code: string;
  readonly staff: readonly Actor[];
  readonly supervisor: Actor;
  references: number;
}

function organisations(rng: Rng): Organisation[] {
  return Array.from({ length: ORGANISATIONS }, (_, i) => {
    const id = rng.uuid();
    return {
      id,
      code: `ORG${String(i).padStart(2, '0')}`,
      staff: Array.from({ length: 5 }, () => ({
        userId: rng.uuid(),
        organisationId: id,
        role: 'caseworker' as const,
      })),
      supervisor: { userId: rng.uuid(), organisationId: id, role: 'supervisor' as const },
      references: 0,
    };
  });
}

const ASSISTANCE = [
  'Accommodation',
  'MedicalOngoing',
  'Psychological',
  'MaterialOrFinancial',
  'InterpretationTranslation',
  'LegalCounselling',
  'SocialCare',
  'EmploymentSupport',
] as const;
const CITIZENSHIPS = ['UA', 'NG', 'RO', 'BG', 'VN', 'CN', 'SY', 'AT', 'HU', 'MD'] as const;
const LANGUAGES = ['uk', 'en', 'ro', 'bg', 'vi', 'zh', 'ar', 'de', 'hu', 'ru'] as const;
const FORMS = ['ForcedLabour', 'SexualExploitation', 'Servitude', 'ForcedBegging'] as const;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export interface SeededEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly event: CaseEvent;
  readonly at: number;
  readonly actor: Actor;
}

/** One case's events, decided command by command (a refused command is a bug of this script). */
function caseHistory(
  rng: Rng,
  orgs: readonly Organisation[],
  startMs: number,
  newId: () => string,
): { events: SeededEvent[]; org: Organisation; reference: string; year: number } {
  const org = rng.pick(orgs);
  const cw = rng.pick(org.staff);
  const caseId = newId();
  const streamId = caseStreamId(caseId);
  const year = new Date(startMs).getUTCFullYear();
  const reference = `${org.code}-${year}-${String(++org.references).padStart(5, '0')}`;
  const lang = rng.pick(LANGUAGES);
  const child = rng.chance(0.12);
  const other = orgs[(orgs.indexOf(org) + rng.int(1, orgs.length - 1)) % orgs.length]!;
  const otherCw = rng.pick(other.staff);
  let at = startMs;
  const plan: { actor: Actor; command: CaseCommand }[] = [];
  const add = (actor: Actor, command: Record<string, unknown>) =>
    plan.push({ actor, command: { ...command, actor } as unknown as CaseCommand });

  add(cw, {
    type: 'OpenCase',
    caseId,
    caseReference: reference,
    referralSource: rng.pick([
      'Hotline',
      'LawEnforcement',
      'SelfReferral',
      'NGO',
      'LabourInspectorate',
    ] as const),
    profile: {
      sexGender: rng.pick(['Feminine', 'Masculine'] as const),
      ageUncertain: child && rng.chance(0.3),
      citizenships: [rng.pick(CITIZENSHIPS)],
      languages: [lang],
    },
    personal: {
      fullName: 'x',
      birthDate: child
        ? day(startMs - rng.int(10, 17) * 365.25 * 86_400_000)
        : `19${rng.int(60, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}`,
    },
  });
  add(cw, {
    type: 'RecordVictimStatus',
    status: rng.pick(['PossibleVictimOfTrafficking', 'ActualVictimOfTrafficking'] as const),
    decidingBody: 'NGO',
    decidedOn: day(startMs),
    formsOfExploitation: [rng.pick(FORMS)],
    sectors: [],
    countriesOfRecruitment: [rng.pick(CITIZENSHIPS)],
    countriesOfTransit: [],
    countriesOfExploitation: ['AT'],
    meansOfControl: [],
    personal: { text: 'x' },
  });
  if (rng.chance(0.6)) add(cw, { type: 'GrantReflectionPeriod', days: rng.int(30, 90) });
  add(org.supervisor, { type: 'AssignCaseworker', caseworkerId: cw.userId });
  add(cw, {
    type: 'GiveConsent',
    purpose: 'assistance',
    obtainedInLanguage: lang,
    interpreterUsed: rng.chance(0.5),
  });
  add(cw, {
    type: 'AssessNeeds',
    needs: [rng.pick(ASSISTANCE), rng.pick(ASSISTANCE)].filter((v, i, a) => a.indexOf(v) === i),
    personal: { text: 'x' },
  });
  add(cw, {
    type: 'RecordSupportPlan',
    planId: newId(),
    plannedAssistance: [rng.pick(ASSISTANCE)],
    personal: { text: 'x' },
  });
  const steps = rng.int(2, 8);
  for (let i = 0; i < steps; i++) {
    if (rng.chance(0.55))
      add(cw, {
        type: 'ProvideAssistance',
        assistanceId: newId(),
        assistanceType: rng.pick(ASSISTANCE),
        personal: { text: 'x' },
      });
    else add(cw, { type: 'AddNote', noteId: newId(), personal: { text: 'x' } });
  }
  if (!child && rng.chance(0.3)) {
    const referralId = newId();
    add(cw, {
      type: 'GiveConsent',
      purpose: 'referral',
      receivingOrganisationId: other.id,
      obtainedInLanguage: lang,
      interpreterUsed: false,
    });
    add(cw, {
      type: 'ReferCase',
      referralId,
      toOrganisationId: other.id,
      service: rng.pick(ASSISTANCE),
      personal: { text: 'x' },
    });
    add(otherCw, { type: 'AcceptReferral', referralId });
    if (rng.chance(0.6)) add(otherCw, { type: 'CompleteReferral', referralId });
  }
  if (rng.chance(0.2))
    add(cw, {
      type: 'RecordLawEnforcementCooperation',
      cooperation: rng.pick(['cooperating', 'declined'] as const),
    });
  // (Closing a child's case needs a best-interests assessment first: adults only here.)
  if (!child && rng.chance(0.4)) {
    add(cw, { type: 'RequestClosure', reason: 'assistance_completed', personal: {} });
    add(org.supervisor, { type: 'ApproveClosure', personal: {} });
  }

  const timed = plan.map(({ actor, command }) => {
    at += rng.int(1, 72) * 3_600_000;
    return { actor, command, at: new Date(at) };
  });
  const events = decideInTurn(timed, (n) => ({
    sealed: CIPHERTEXTS[n % CIPHERTEXTS.length]!,
  })).map(({ event, step }, revision): SeededEvent => {
    const { actor, at: when } = timed[step]!;
    return { streamId, revision, event, at: when.getTime(), actor };
  });
  return { events, org, reference, year };
}

export interface SeedReport {
  readonly events: number;
  readonly cases: number;
  /** Distinct histories decided by the domain decider (each case is one of them with fresh ids). */
  readonly templates: number;
  readonly seconds: number;
}

/** A decided history, its events as JSON text, and the ids and reference a clone replaces. */
interface Template {
  readonly events: readonly {
    readonly type: string;
    readonly schemaVersion: number;
    readonly data: string;
    readonly at: number;
    readonly actor: Actor;
  }[];
  readonly caseId: string;
  readonly org: Organisation;
  readonly year: number;
  readonly pattern: RegExp;
}

function template(rng: Rng, orgs: readonly Organisation[]): Template {
  const ids: string[] = [];
  const newId = () => {
    const id = rng.uuid();
    ids.push(id);
    return id;
  };
  const h = caseHistory(
    rng,
    orgs,
    FIRST_DAY + rng.int(0, SPAN_MS / 86_400_000 - 120) * 86_400_000,
    newId,
  );
  return {
    events: h.events.map((e) => ({
      type: e.event.type,
      schemaVersion: e.event.schemaVersion,
      data: JSON.stringify(e.event.data),
      at: e.at,
      actor: e.actor,
    })),
    caseId: ids[0]!,
    org: h.org,
    year: h.year,
    pattern: new RegExp([...ids, h.reference].join('|'), 'g'),
  };
}

interface CloneRow {
  readonly streamId: string;
  readonly revision: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly at: number;
  readonly actor: Actor;
}

/** A template with fresh ids (case, plan, notes, assistance, referral) and its own case reference. */
function clone(t: Template, rng: Rng): CloneRow[] {
  const reference = `${t.org.code}-${t.year}-${String(++t.org.references).padStart(5, '0')}`;
  const fresh = new Map<string, string>();
  const replace = (m: string) => {
    if (m.length !== 36) return reference;
    let id = fresh.get(m);
    if (!id) fresh.set(m, (id = rng.uuid()));
    return id;
  };
  const data = t.events.map((e) => e.data.replace(t.pattern, replace));
  const streamId = caseStreamId(replace(t.caseId));
  return t.events.map((e, revision) => ({
    streamId,
    revision,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: data[revision]!,
    at: e.at,
    actor: e.actor,
  }));
}

/**
 * Appends about `target` events (whole cases: a few more) to the events table at `url`, then
 * VACUUM ANALYZE (as autovacuum would after a bulk load). Histories: up to 3,000 decided by the
 * domain decider (it computes calendar dates with a fresh Intl formatter per decision, too slow to
 * decide a million events here), each case a clone of one with fresh ids and its own reference.
 * Events of the cases of one chunk are interleaved in time order.
 */
export async function seedCaseEvents(
  url: string,
  target: number,
  options: { seed?: number; log?: (line: string) => void } = {},
): Promise<SeedReport> {
  const rng = prng(options.seed ?? 1);
  const log = options.log ?? console.log;
  const orgs = organisations(rng);
  const started = performance.now();
  const templates = Array.from({ length: Math.min(TEMPLATES, Math.ceil(target / 14)) }, () =>
    template(rng, orgs),
  );
  log(
    `seed: ${templates.length} histories decided in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  const pool = new Pool({ connectionString: url, max: 2 });
  let events = 0;
  let cases = 0;
  let lastLog = performance.now();
  const inFlight = new Set<Promise<void>>();
  try {
    while (events < target) {
      const chunk: CloneRow[] = [];
      while (events + chunk.length < target && chunk.length < CASES_PER_CHUNK * 14) {
        chunk.push(...clone(rng.pick(templates), rng));
        cases++;
      }
      chunk.sort((a, b) => a.at - b.at);
      for (let i = 0; i < chunk.length; i += ROWS_PER_INSERT) {
        const insert = insertRows(pool, chunk.slice(i, i + ROWS_PER_INSERT), rng);
        inFlight.add(insert);
        void insert.finally(() => inFlight.delete(insert)).catch(() => undefined);
        if (inFlight.size >= 2) await Promise.race(inFlight);
      }
      events += chunk.length;
      if (performance.now() - lastLog > 5000) {
        lastLog = performance.now();
        log(`seed: ${events.toLocaleString('en')} events of ${cases.toLocaleString('en')} cases`);
      }
    }
    await Promise.all(inFlight);
    await pool.query('VACUUM ANALYZE events');
  } finally {
    await pool.end();
  }
  return {
    events,
    cases,
    templates: templates.length,
    seconds: (performance.now() - started) / 1000,
  };
}

/** One statement per batch: the rows as one JSON document, unpacked by the server. */
async function insertRows(pool: Pool, rows: readonly CloneRow[], rng: Rng): Promise<void> {
  const doc = `[${rows
    .map(
      (r) =>
        `{"s":"${r.streamId}","r":${r.revision},"i":"${rng.uuid()}","t":"${r.type}","v":${r.schemaVersion},"d":${r.data},` +
        `"m":{"correlationId":"${rng.uuid()}","causationId":"${rng.uuid()}","userId":"${r.actor.userId}","organisationId":"${r.actor.organisationId}"},` +
        `"o":"${new Date(r.at).toISOString()}"}`,
    )
    .join(',')}]`;
  await pool.query(
    `INSERT INTO events (stream_id, stream_revision, event_id, event_type, schema_version, data, metadata, occurred_at, recorded_at)
     SELECT s, r, i, t, v, d, m, o, o
       FROM jsonb_to_recordset($1::jsonb) AS x(s text, r bigint, i uuid, t text, v int, d jsonb, m jsonb, o timestamptz)`,
    [doc],
  );
}

if (require.main === module) {
  const [url, events, seed] = process.argv.slice(2);
  if (!url) {
    console.error('usage: node dist/bench/seed/cases.js <database-url> [events=1000000] [seed=1]');
    process.exit(2);
  }
  seedCaseEvents(url, Number(events ?? 1_000_000), { seed: Number(seed ?? 1) })
    .then((r) =>
      console.log(
        `seeded ${r.events.toLocaleString('en')} events of ${r.cases.toLocaleString('en')} cases (${r.templates} histories) in ${r.seconds.toFixed(1)} s`,
      ),
    )
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
