import { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { caseIdsIn, MAX_CASE_IDS, outcomeOf, ruleOf } from './audit-entry';

describe('audit entry parts', () => {
  it('classifies outcomes by status', () => {
    expect([200, 201, 304, 400, 404, 422, 500, 503].map(outcomeOf)).toEqual([
      'allowed',
      'allowed',
      'allowed',
      'denied',
      'denied',
      'denied',
      'failed',
      'failed',
    ]);
  });

  it('keeps a domain rule id, else names the kind of refusal; never free text', () => {
    expect(ruleOf(200, 'RULE_2_SHARING_CONSENT_REQUIRED')).toBeNull();
    expect(ruleOf(422, 'RULE_2_SHARING_CONSENT_REQUIRED')).toBe('RULE_2_SHARING_CONSENT_REQUIRED');
    expect(ruleOf(422, 'the person Ana said no')).toBe('UNPROCESSABLE');
    expect(ruleOf(404, undefined)).toBe('NOT_FOUND');
    expect(ruleOf(403, undefined)).toBe('FORBIDDEN');
    expect(ruleOf(418, undefined)).toBe('REFUSED');
    expect(ruleOf(500, undefined)).toBe('SERVER_ERROR');
  });

  it('collects the case ids an answer names (uuids only, lower-case, once, not the route case)', () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    const body = {
      caseId: c,
      items: [{ caseId: a.toUpperCase() }, { caseId: a }, { nested: { caseId: b } }],
      matches: [{ caseId: 'not-a-uuid' }, { caseId: 42 }, { other: b }],
    };
    expect(caseIdsIn(body, c).sort()).toEqual([a, b].sort());
    expect(caseIdsIn(body)).toContain(c);
    expect(caseIdsIn(null)).toEqual([]);
    expect(caseIdsIn('text')).toEqual([]);
    expect(caseIdsIn(Readable.from(['x']))).toEqual([]);
  });

  it('stops at a bound on huge answers', () => {
    const items = Array.from({ length: MAX_CASE_IDS + 10 }, () => ({ caseId: randomUUID() }));
    expect(caseIdsIn({ items })).toHaveLength(MAX_CASE_IDS);
  });
});
