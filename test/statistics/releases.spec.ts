import { createHash, randomUUID } from 'node:crypto';
import { verifyRelease, type ReleaseDocument } from '@remedy/statistics';
import { organisationWithStaff, type OrganisationWithStaff } from '../cases/commands/support';
import { createStatisticsApp, untilBuilt, untilSettled, type ApiApp, type TestUser } from './app';
import { marker } from './support';

/**
 * Releases end to end on the PostgreSQL queue backend: a rapporteur requests, the worker builds
 * (with progress), the release is stored once and downloaded as JSON and CSV; its digest and
 * Ed25519 signature verify with the published public key; the same request is the same release.
 * Personal fields are seeded with unique markers: no release carries one (the organisation's own
 * HTCDS export does).
 */
describe('statistics releases (HTTP, worker, PostgreSQL queue backend)', () => {
  let api: ApiApp;
  let rapporteur: TestUser;
  let org: OrganisationWithStaff;
  let other: OrganisationWithStaff;
  const caseIds: string[] = [];
  const markers: string[] = [];
  let objectingCase: string;
  let first: { releaseId: string; json: string };

  const post = (user: TestUser, url: string, body: unknown) => api.post(user, url, body);
  const ok = async (user: TestUser, url: string, body: unknown) => {
    const res = await post(user, url, body);
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
    return res.json() as { position: string; caseId: string };
  };

  beforeAll(async () => {
    api = await createStatisticsApp();
    const admin = await api.user(['admin']);
    org = await organisationWithStaff(api, admin);
    other = await organisationWithStaff(api, admin);
    rapporteur = await api.user(['rapporteur']);
    for (let i = 0; i < 24; i++) {
      const m = {
        name: marker('NAME'),
        note: marker('NOTE'),
        contact: `${marker('MAIL')}@example.org`,
        address: marker('ADDR'),
        text: marker('TEXT'),
        id: marker('DOC'),
      };
      markers.push(...Object.values(m));
      const opened = await ok(org.caseworker, '/cases', {
        referralSource: i % 2 ? 'Hotline' : 'NGO',
        profile: {
          sexGender: i % 3 ? 'Feminine' : 'Masculine',
          ageUncertain: false,
          citizenships: ['UA'],
          languages: ['uk'],
        },
        personal: {
          fullName: `${m.name} Example`,
          birthDate: '1990-04-02',
          contacts: [m.contact],
          addresses: [m.address],
          notes: m.note,
          identityDocuments: [{ kind: 'passport', number: m.id }],
        },
      });
      const c = `/cases/${opened.caseId}`;
      caseIds.push(opened.caseId);
      await ok(org.caseworker, `${c}/victim-status`, {
        status: 'ActualVictimOfTrafficking',
        decidingBody: 'NGO',
        decidedOn: '2026-02-01',
        formsOfExploitation: ['ForcedLabour'],
        sectors: ['F_Construction'],
        countriesOfRecruitment: ['UA'],
        countriesOfTransit: [],
        countriesOfExploitation: ['AT'],
        meansOfControl: ['RestrictsMovement'],
        personal: { text: m.text },
      });
      await ok(org.caseworker, `${c}/consents`, {
        purpose: 'assistance',
        obtainedInLanguage: 'uk',
        interpreterUsed: false,
      });
      await ok(org.caseworker, `${c}/law-enforcement-cooperation`, { cooperation: 'declined' });
      await ok(org.caseworker, `${c}/assistance`, {
        assistanceType: 'Accommodation',
        from: '2026-02-02',
        personal: { text: m.text },
      });
      await ok(org.caseworker, `${c}/notes`, { personal: { text: m.note } });
      if (i < 20) {
        const claim = (await ok(org.caseworker, `${c}/claims`, {
          avenue: 'LabourOrEmploymentTribunal',
          respondentKind: 'Employer',
          currency: 'EUR',
          claimed: { UnpaidWages: 100_000 },
          filedOn: '2026-03-01',
          personal: { text: m.text },
        })) as unknown as { claimId: string };
        await ok(org.caseworker, `${c}/claims/${claim.claimId}/decision`, {
          outcome: 'awarded',
          awarded: { UnpaidWages: 50_000 + i * 100 },
          currency: 'EUR',
          decidedOn: '2026-05-01',
          personal: { text: m.text },
        });
        if (i < 10)
          await ok(org.caseworker, `${c}/claims/${claim.claimId}/payments`, {
            amount: 50_000 + i * 100,
            currency: 'EUR',
            receivedOn: '2026-06-01',
            personal: { text: m.text },
          });
      }
    }
    objectingCase = caseIds[0]!;
  });

  afterAll(async () => {
    await api?.close();
  });

  it('lists the fixed catalogue to any authenticated user, with ids, units and dimensions', async () => {
    const res = await api.get(rapporteur, '/statistics/tables');
    expect(res.statusCode).toBe(200);
    const body = res.json() as {
      note: string;
      tables: { id: string; unit: string; dimensions: { name: string; values: string[] }[] }[];
    };
    expect(body.note).toMatch(/CASES unless a table counts persons/);
    expect(body.tables.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'victims-by-status-sex-age',
        'unconditional-assistance',
        'children-assessed-before-decisions',
        'compensation-sums',
        'persons-by-status-sex-age',
      ]),
    );
    expect(body.tables.find((t) => t.id === 'persons-by-status-sex-age')!.unit).toBe('persons');
    const ua = body.tables.find((t) => t.id === 'unconditional-assistance')!;
    expect(ua.unit).toBe('cases');
    expect(ua.dimensions.map((d) => d.name)).toEqual([
      'assisted_while_not_cooperating',
      'cooperation',
    ]);
    expect((await api.get(org.caseworker, '/statistics/tables')).statusCode).toBe(200);
    expect(
      (await api.request(undefined, { method: 'GET', url: '/statistics/tables' })).statusCode,
    ).toBe(401);
  });

  it('refuses requests from other roles (403) and bad requests naming the field (400) or the rule (422)', async () => {
    const body = { period: '2026', mode: 'suppression' };
    expect((await post(org.supervisor, '/statistics/releases', body)).statusCode).toBe(403);
    expect((await post(org.caseworker, '/statistics/releases', body)).statusCode).toBe(403);
    const badTable = await post(rapporteur, '/statistics/releases', {
      ...body,
      tables: ['cases-by-name'],
    });
    expect(badTable.statusCode).toBe(400);
    expect(badTable.json().fields[0].name).toBe('tables');
    expect(
      (await post(rapporteur, '/statistics/releases', { ...body, period: 'last year' })).statusCode,
    ).toBe(400);
    expect(
      (await post(rapporteur, '/statistics/releases', { ...body, where: 'sex = 1' })).statusCode,
    ).toBe(400);
    const lowK = await post(rapporteur, '/statistics/releases', { ...body, k: 3 });
    expect([lowK.statusCode, lowK.json().rule]).toEqual([422, 'THRESHOLD_BELOW_MINIMUM']);
    const quarter = await post(rapporteur, '/statistics/releases', { ...body, period: '2026-Q1' });
    expect([quarter.statusCode, quarter.json().rule]).toEqual([422, 'STATISTICS_PERIOD_IS_A_YEAR']);
    const badEpsilon = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'dp',
      epsilon: 0.1234567,
    });
    expect([badEpsilon.statusCode, badEpsilon.json().fields[0].name]).toEqual([400, 'epsilon']);
    expect(
      (await post(rapporteur, '/statistics/releases', { period: '2026', mode: 'dp' })).statusCode,
    ).toBe(400);
    expect(
      (
        await post(rapporteur, '/statistics/releases', {
          period: '2026',
          mode: 'suppression',
          epsilon: 1,
        })
      ).statusCode,
    ).toBe(400);
    expect((await api.get(rapporteur, `/statistics/releases/${randomUUID()}`)).statusCode).toBe(
      404,
    );
    expect((await api.get(rapporteur, `/statistics/releases/not-an-id`)).statusCode).toBe(404);
  });

  it('builds a release in the worker, stores it, and serves it as signed JSON and as CSV', async () => {
    const res = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'suppression',
    });
    expect(res.statusCode).toBe(202);
    const { releaseId, replayed } = res.json() as { releaseId: string; replayed: boolean };
    expect(replayed).toBe(false);
    const built = await untilBuilt(api, rapporteur, releaseId);
    expect(built.progress).toBe(100);

    const json = await api.get(rapporteur, `/statistics/releases/${releaseId}.json`);
    expect(json.statusCode).toBe(200);
    const doc = JSON.parse(json.body) as ReleaseDocument;
    expect(doc.releaseId).toBe(releaseId);
    const victims = doc.tables.find((t) => t.id === 'victims-by-status-sex-age')!;
    expect(victims.cells.find((c) => c.at.every((v) => v === null))!.value).toBe(24);
    const ua = doc.tables.find((t) => t.id === 'unconditional-assistance')!;
    expect(ua.cells.find((c) => c.at[0] === 'yes' && c.at[1] === 'declined')!.value).toBe(24);

    expect(json.headers['x-content-sha256']).toBe(
      createHash('sha256').update(json.body).digest('hex'),
    );
    const publicKey = await api.get(rapporteur, '/statistics/public-key');
    expect(publicKey.body).toMatch(/BEGIN PUBLIC KEY/);
    expect(
      verifyRelease(json.body, String(json.headers['x-signature-ed25519']), publicKey.body),
    ).toBe(true);
    expect(
      verifyRelease(
        json.body.replace('"value":24', '"value":25'),
        String(json.headers['x-signature-ed25519']),
        publicKey.body,
      ),
    ).toBe(false);

    const csv = await api.get(rapporteur, `/statistics/releases/${releaseId}?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('release_id,year,table_id,unit,cell,value,flag');
    expect(csv.body).toContain(
      'unconditional-assistance,cases,assisted_while_not_cooperating=yes;cooperation=declined,24,',
    );
    expect((await api.get(rapporteur, `/statistics/releases/${releaseId}.csv`)).body).toBe(
      csv.body,
    );
    first = { releaseId, json: json.body };

    // The rapporteur's list: status, request and digest, never the bodies; rapporteurs only.
    const listed = await api.get(rapporteur, '/statistics/releases');
    expect(listed.statusCode).toBe(200);
    const items = (
      listed.json() as { items: { releaseId: string; status: string; digest: string }[] }
    ).items;
    expect(items.map((i) => [i.releaseId, i.status, i.digest])).toContainEqual([
      releaseId,
      'built',
      json.headers['x-content-sha256'],
    ]);
    expect(listed.body).not.toContain('"body"');
    expect((await api.get(org.supervisor, '/statistics/releases')).statusCode).toBe(403);

    const stored = await api.pool.query(`SELECT count(*)::int AS n FROM statistics_releases`);
    expect(stored.rows[0].n).toBe(1);
    expect(built.seen.every((p, i) => i === 0 || p >= built.seen[i - 1]!)).toBe(true);
    await expect(
      api.pool.query(`UPDATE statistics_releases SET body = '{}' WHERE release_id = $1`, [
        releaseId,
      ]),
    ).rejects.toThrow(/immutable/);
  });

  it('publishes compensation sums where enough claims with an award stand behind them', async () => {
    const doc = JSON.parse(first.json) as ReleaseDocument;
    const outcome = doc.tables.find((t) => t.id === 'compensation-claims-by-outcome')!;
    expect(
      outcome.cells.find((c) => c.at[0] === 'LabourOrEmploymentTribunal' && c.at[1] === 'awarded')!
        .value,
    ).toBe(20);
    const payment = doc.tables.find((t) => t.id === 'compensation-claims-by-payment')!;
    expect(
      payment.cells.find(
        (c) => c.at[0] === 'LabourOrEmploymentTribunal' && c.at[1] === 'paid_in_full',
      )!.value,
    ).toBe(10);
    expect(
      payment.cells.find((c) => c.at[0] === 'LabourOrEmploymentTribunal' && c.at[1] === 'unpaid')!
        .value,
    ).toBe(10);
    // Amounts in the fact rows are bands: 500.00-519.00 EUR awarded on each of the 20 claims.
    const bands = doc.tables.find((t) => t.id === 'compensation-awards-by-band')!;
    expect(
      bands.cells.find((c) => c.at[0] === 'LabourOrEmploymentTribunal' && c.at[1] === '500-999')!
        .value,
    ).toBe(20);
    // The exact sums come from the legal-aid claim read model, published where k claims stand behind them.
    const eur = doc.compensationSums!.tables.find((t) => t.currency === 'EUR')!;
    const total = eur.cells.find((c) => c.at[0] === null)!;
    expect(total).toEqual({
      at: [null],
      claims: 20,
      claimed: 20 * 100_000,
      awarded: 20 * 50_000 + 190 * 100,
      paid: 10 * 50_000 + 45 * 100,
    });
    expect(doc.compensationSums!.tables.map((t) => t.currency)).toEqual(['EUR']);
  });

  it("adds differential-privacy noise within the year's privacy budget, charged once per release (422 beyond it)", async () => {
    const res = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'dp',
      epsilon: 0.6,
      tables: ['unconditional-assistance', 'victims-by-sector'],
    });
    expect([res.statusCode, res.body]).toEqual([202, expect.any(String)]);
    const { releaseId } = res.json() as { releaseId: string };
    await untilBuilt(api, rapporteur, releaseId);
    const body = (await api.get(rapporteur, `/statistics/releases/${releaseId}.json`)).body;
    const doc = JSON.parse(body) as ReleaseDocument;
    expect(doc.disclosureControl).toMatchObject({ mode: 'dp', epsilon: 0.6 });
    expect(doc.compensationSums).toBeUndefined();
    for (const table of doc.tables) {
      for (const cell of table.cells) {
        expect(cell.suppressed).toBeUndefined();
        expect(Number.isInteger(cell.value) && cell.value! >= 0).toBe(true);
      }
      // Totals are the sums of the published (noisy) cells.
      const interior = table.cells
        .filter((c) => c.at.every((v) => v !== null))
        .reduce((n, c) => n + c.value!, 0);
      expect(table.cells.find((c) => c.at.every((v) => v === null))!.value).toBe(interior);
    }
    // The same request is the same release (same noise), and charges nothing more.
    const again = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'dp',
      epsilon: 0.6,
      tables: ['victims-by-sector', 'unconditional-assistance'],
    });
    expect(again.json()).toMatchObject({ releaseId, replayed: true });
    expect((await api.get(rapporteur, `/statistics/releases/${releaseId}.json`)).body).toBe(body);
    const over = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'dp',
      epsilon: 0.5,
    });
    expect([over.statusCode, over.json().rule]).toEqual([422, 'PRIVACY_BUDGET_EXCEEDED']);
    const within = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'dp',
      epsilon: 0.4,
    });
    expect(within.statusCode).toBe(202);
    const ledger = await api.pool.query(
      `SELECT period, epsilon::text AS epsilon FROM statistics_privacy_ledger ORDER BY entry_id`,
    );
    expect(ledger.rows).toEqual([
      { period: '2026', epsilon: '0.600000' },
      { period: '2026', epsilon: '0.400000' },
    ]);
    await expect(api.pool.query(`DELETE FROM statistics_privacy_ledger`)).rejects.toThrow(
      /append-only/,
    );
    await untilBuilt(api, rapporteur, (within.json() as { releaseId: string }).releaseId);
  });

  it('answers the same request with the same stored release (idempotent)', async () => {
    const again = await post(rapporteur, '/statistics/releases', {
      mode: 'suppression',
      period: '2026',
      k: 10,
    });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({
      releaseId: first.releaseId,
      status: 'built',
      replayed: true,
    });
    expect((await api.get(rapporteur, `/statistics/releases/${first.releaseId}.json`)).body).toBe(
      first.json,
    );
  });

  it('leaves a case out of releases made after its objection to statistical use', async () => {
    const objection = await ok(
      org.caseworker,
      `/cases/${objectingCase}/statistical-use-objection`,
      {},
    );
    expect(objection.position).toBeDefined();
    // A revision of 2026 would show the objecting person's cells shrinking by one against the
    // releases already published (paid_in_full 10 → 9): the multi-release audit refuses it.
    const res = await post(rapporteur, '/statistics/releases', {
      period: '2026',
      mode: 'rounding',
      roundingBase: 2,
      k: 11,
    });
    const { releaseId } = res.json() as { releaseId: string };
    expect(await untilSettled(api, rapporteur, releaseId)).toEqual({
      status: 'failed',
      error: 'REVISION_WOULD_DISCLOSE',
    });
    // What the next release of a period would read leaves the objecting case out (the build waited
    // for the projection): 23 cases, 19 claims with an award.
    const facts = await api.pool.query(
      `SELECT count(*)::int AS n FROM statistics_case_facts WHERE year = 2026 AND NOT objects AND identified_in_year`,
    );
    expect(facts.rows[0].n).toBe(23);
    // The release made before the objection is unchanged.
    expect((await api.get(rapporteur, `/statistics/releases/${first.releaseId}.json`)).body).toBe(
      first.json,
    );
  });

  it('never puts a personal marker or an identifier in a release; the HTCDS export of the own organisation has them', async () => {
    const rows = await api.pool.query(
      `SELECT body, request FROM statistics_releases WHERE body IS NOT NULL`,
    );
    const everything = [
      JSON.stringify(rows.rows),
      ...(await Promise.all(
        rows.rows.map(async (r: { body: string }) => {
          const id = (JSON.parse(r.body) as ReleaseDocument).releaseId;
          return (
            (await api.get(rapporteur, `/statistics/releases/${id}.csv`)).body +
            (await api.get(rapporteur, `/statistics/releases/${id}`)).body
          );
        }),
      )),
    ].join('\n');
    expect(everything).not.toMatch(/ZZMARK/);
    for (const id of [...caseIds, org.organisationId, org.caseworker.userId, `${org.code}-2026`])
      expect(everything).not.toContain(id);
    const facts = JSON.stringify(
      (await api.pool.query(`SELECT * FROM statistics_case_facts`)).rows,
    );
    expect(facts).not.toMatch(/ZZMARK/);

    const exported = await api.get(org.supervisor, '/exports/htcds.csv');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/text\/csv/);
    const lines = exported.body.trim().split('\r\n');
    expect(lines[0]!.split(',')).toEqual(
      expect.arrayContaining([
        'prs_FirstName',
        'prs_Gender',
        'vic_TypeOfExploitation',
        'vic_MethodsOfControl',
        'spl_Type',
        'org_Type',
      ]),
    );
    expect(lines).toHaveLength(1 + 24);
    const hits = markers.filter(
      (m) => exported.body.includes(m) && !m.includes('NOTE') && !m.includes('TEXT'),
    );
    expect(hits.length).toBe(markers.length - 24 * 2); // names, contacts, addresses, documents; never free text
    expect(exported.body).not.toMatch(/ZZMARKNOTE|ZZMARKTEXT/);
    // Mapped values: RestrictsMovement → Other, Accommodation → SocialCare, NGO → NGO.
    const header = lines[0]!.split(',');
    const row = lines[1]!.split(',');
    expect(row[header.indexOf('vic_MethodsOfControl')]).toBe('Other');
    expect(row[header.indexOf('spl_Type')]).toBe('SocialCare');
    expect(row[header.indexOf('vic_TraffickingStatus')]).toBe('ActualVictimOfTrafficking');

    const otherExport = await api.get(other.supervisor, '/exports/htcds.csv');
    expect(otherExport.body.trim().split('\r\n')).toHaveLength(1);
    expect((await api.get(org.caseworker, '/exports/htcds.csv')).statusCode).toBe(403);
    expect((await api.get(rapporteur, '/exports/htcds.csv')).statusCode).toBe(403);
    expect((await api.get(org.rapporteur, '/exports/htcds.csv')).statusCode).toBe(403);
  });

  it('exports no personal data of an erased case, and keeps counting it in later releases', async () => {
    const erasedCase = caseIds[1]!;
    const before = await api.get(org.supervisor, '/exports/htcds.csv');
    const line = before.body
      .split('\r\n')
      .find((l) => l.includes('ZZMARKNAME') && l.includes(`${org.code}-2026-00002`));
    expect(line).toBeDefined();
    const names = line!.match(/ZZMARK[A-Z]+[0-9a-f]{12}/g)!;
    expect(names.length).toBeGreaterThanOrEqual(4);
    expect((await post(org.supervisor, `/cases/${erasedCase}/erasure`, {})).statusCode).toBe(200);
    const after = await api.get(org.supervisor, '/exports/htcds.csv');
    for (const m of names) expect(after.body).not.toContain(m);
    expect(after.body).toContain(`${org.code}-2026-00002,`);
    // 24 cases, one objecting: the erased case still counts in what a release reads.
    const facts = await api.pool.query(
      `SELECT count(*)::int AS n FROM statistics_case_facts WHERE year = 2026 AND NOT objects AND identified_in_year`,
    );
    expect(facts.rows[0].n).toBe(23);
  });
});
