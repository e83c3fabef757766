import { randomUUID } from 'node:crypto';
import { CURRENCY_CODES, minorUnitExponent } from '@remedy/case-domain';
import { CODE_LIST_NAMES, CODE_LISTS, labelOf, type CodeListName } from '@remedy/code-lists';
import { realApiPerSuite } from '../faults/support/real-api';

interface Answer {
  language: string;
  review: string;
  lists: { name: CodeListName; source: string; codes: { code: string; label: string }[] }[];
}

/** Arabic script (the labels of `?lang=ar` are written in it, digits and punctuation aside). */
const ARABIC = /[\u0600-\u06FF]/;

/**
 * GET /code-lists and GET /code-lists/:name on the real API (ApiModule, its PolicyGuard,
 * validation pipe and audit trail): labels in the language the caller asks for.
 */
describe('code lists over HTTP, in six languages', () => {
  const started = realApiPerSuite('code-lists', { LOG_LEVEL: 'silent' });
  let token: string;
  const organisationId = randomUUID();

  beforeAll(async () => {
    token = await started.api.token(['caseworker'], organisationId);
  });

  const get = (url: string, headers: Record<string, string> = {}, as = token) =>
    started.api.request(as, { method: 'GET', url, headers });

  it('?lang=ar answers every code of every list with an Arabic label', async () => {
    const res = await get('/code-lists?lang=ar');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-language']).toBe('ar');
    expect(res.headers['vary']).toMatch(/Accept-Language/i);
    const body = res.json<Answer>();
    expect(body.language).toBe('ar');
    expect(body.review).toBe('needs-native-review');
    expect(body.lists.map((l) => l.name)).toEqual(CODE_LIST_NAMES);
    const notArabic: string[] = [];
    let codes = 0;
    for (const list of body.lists) {
      expect(list.codes.map((c) => c.code)).toEqual([...CODE_LISTS[list.name].codes]);
      for (const { code, label } of list.codes) {
        codes++;
        if (!ARABIC.test(label) || label !== labelOf(list.name, code, 'ar'))
          notArabic.push(`${list.name}/${code}`);
      }
    }
    expect(notArabic).toEqual([]);
    expect(codes).toBeGreaterThan(700);
    const countries = body.lists.find((l) => l.name === 'countries')!;
    expect(countries.source).toBe('icu');
    expect(countries.codes.find((c) => c.code === 'NG')!.label).toBe('نيجيريا');
  });

  it('GET /code-lists/currencies gives every currency its ISO 4217 minor-unit digits (IQD 3, XAU 0)', async () => {
    const res = await get('/code-lists/currencies?lang=fr');
    expect(res.statusCode).toBe(200);
    const { codes } = res.json<{ codes: { code: string; digits?: number }[] }>();
    expect(codes.map((c) => [c.code, c.digits])).toEqual(
      CURRENCY_CODES.map((code) => [code, minorUnitExponent(code)]),
    );
    const digits = Object.fromEntries(codes.map((c) => [c.code, c.digits]));
    expect([digits.EUR, digits.JPY, digits.IQD, digits.XAU]).toEqual([2, 0, 3, 0]);
  });

  it('negotiates Accept-Language (ar;q=0.9, fr → fr); ?lang= takes precedence', async () => {
    const fr = await get('/code-lists/forms-of-exploitation', {
      'accept-language': 'ar;q=0.9, fr',
    });
    expect(fr.statusCode).toBe(200);
    expect(fr.headers['content-language']).toBe('fr');
    expect(fr.json()).toMatchObject({
      language: 'fr',
      name: 'forms-of-exploitation',
      source: 'catalogue',
      codes: expect.arrayContaining([{ code: 'ForcedLabour', label: 'Travail forcé' }]),
    });
    const zh = await get('/code-lists/forms-of-exploitation?lang=zh', { 'accept-language': 'fr' });
    expect(zh.json()).toMatchObject({
      language: 'zh',
      codes: expect.arrayContaining([{ code: 'ForcedLabour', label: '强迫劳动' }]),
    });
  });

  it('falls back to English for a language none of the six, or none asked', async () => {
    for (const [url, headers] of [
      ['/code-lists/remedy-avenues?lang=de', {}],
      ['/code-lists/remedy-avenues', { 'accept-language': 'de-CH, de;q=0.9' }],
      ['/code-lists/remedy-avenues', {}],
    ] as const) {
      const res = await get(url, headers);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        language: 'en',
        review: 'source',
        codes: expect.arrayContaining([{ code: 'CivilClaim', label: 'Civil claim' }]),
      });
    }
  });

  it('one list by name; an unknown name is 404; a malformed ?lang= or an unknown parameter 400', async () => {
    const ru = await get('/code-lists/countries', { 'accept-language': 'ru-RU' });
    expect(ru.json()).toMatchObject({
      language: 'ru',
      codes: expect.arrayContaining([{ code: 'FR', label: 'Франция' }]),
    });
    expect((await get('/code-lists/no-such-list')).statusCode).toBe(404);
    const bad = await get('/code-lists?lang=%3Cscript%3E');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toContain('script');
    expect((await get('/code-lists?colour=blue')).statusCode).toBe(400);
  });

  it('is documented in OpenAPI: the language parameter and header, the answer schemas', async () => {
    const doc = (await started.api.request(undefined, { method: 'GET', url: '/docs-json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string }[];
            responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
          }
        >
      >;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    const all = doc.paths['/code-lists']!.get!;
    const one = doc.paths['/code-lists/{name}']!.get!;
    for (const op of [all, one])
      expect(op.parameters.map((p) => `${p.in} ${p.name}`)).toEqual(
        expect.arrayContaining(['query lang', 'header Accept-Language']),
      );
    expect(all.responses['200']!.content!['application/json']!.schema.$ref).toBe(
      '#/components/schemas/CodeListsResponse',
    );
    expect(one.responses['200']!.content!['application/json']!.schema.$ref).toBe(
      '#/components/schemas/CodeListResponse',
    );
    expect(Object.keys(doc.components.schemas.CodeListsResponse!.properties)).toEqual([
      'language',
      'review',
      'lists',
    ]);
  });

  it('is open to every authenticated role and to no anonymous caller', async () => {
    for (const role of ['caseworker', 'supervisor', 'legal_aid', 'rapporteur', 'admin'] as const) {
      const as = await started.api.token([role]);
      expect([role, (await get('/code-lists/sectors', {}, as)).statusCode]).toEqual([role, 200]);
    }
    expect(
      (await started.api.request(undefined, { method: 'GET', url: '/code-lists' })).statusCode,
    ).toBe(401);
  });
});
