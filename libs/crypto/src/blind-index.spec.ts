import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { BlindIndexer, normaliseBirthDate, normaliseName } from './blind-index';

describe('blind index (keyed HMAC over normalised name and birth date, per organisation)', () => {
  const indexer = new BlindIndexer(randomBytes(32));
  const orgA = randomUUID();
  const orgB = randomUUID();

  it('given the same person spelled differently, then the indices are equal', () => {
    const a = indexer.index({ organisationId: orgA, name: 'José  Pérez', birthDate: '1990-04-01' });
    const b = indexer.index({ organisationId: orgA, name: 'jose perez', birthDate: '1990-04-01' });
    const c = indexer.index({
      organisationId: orgA,
      name: ' JOSÉ\tPÉREZ. ',
      birthDate: '1990-04-01',
    });
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(
      indexer.matches({ organisationId: orgA, name: 'Jose Perez', birthDate: '1990-04-01' }, a),
    ).toBe(true);
  });

  it('given two organisations, then the same person gets unrelated indices', () => {
    const person = { name: 'José Pérez', birthDate: '1990-04-01' };
    expect(indexer.index({ organisationId: orgA, ...person })).not.toBe(
      indexer.index({ organisationId: orgB, ...person }),
    );
  });

  it('differs by birth date, by name, and by key, and reveals neither', () => {
    const base = indexer.index({
      organisationId: orgA,
      name: 'José Pérez',
      birthDate: '1990-04-01',
    });
    expect(
      indexer.index({ organisationId: orgA, name: 'José Pérez', birthDate: '1990-04-02' }),
    ).not.toBe(base);
    expect(
      indexer.index({ organisationId: orgA, name: 'José Péres', birthDate: '1990-04-01' }),
    ).not.toBe(base);
    const other = new BlindIndexer(randomBytes(32));
    expect(
      other.index({ organisationId: orgA, name: 'José Pérez', birthDate: '1990-04-01' }),
    ).not.toBe(base);
    expect(base).toMatch(/^bi1\.[A-Za-z0-9_-]{43}$/);
    expect(base.toLowerCase()).not.toContain('jose');
    expect(base).not.toContain('1990');
  });

  it('normalises names: NFKD, diacritics stripped, folded letters, lower case, punctuation gone, whitespace collapsed', () => {
    expect(normaliseName('José  Pérez')).toBe('jose perez');
    expect(normaliseName("O'Brien-Nuñez")).toBe('obrien nunez');
    expect(normaliseName('Jean–Pierre')).toBe(normaliseName('Jean Pierre'));
    expect(normaliseName('Straße Øre Łukasz')).toBe('strasse ore lukasz');
    expect(normaliseName('Ｊｏｓｅ')).toBe('jose'); // full-width (NFKD compatibility)
    expect(normaliseName('Zoë\u00a0Çelik')).toBe('zoe celik');
  });

  it('normalisation is idempotent and never leaves marks, upper case or double spaces', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => {
        const n = normaliseName(s);
        expect(normaliseName(n)).toBe(n);
        expect(n).not.toMatch(/\p{M}|\s{2}|^\s|\s$/u);
        expect(n).toBe(n.toLowerCase());
      }),
    );
  });

  it('refuses invalid birth dates, an empty name and a non-uuid organisation', () => {
    expect(() => normaliseBirthDate('1990-02-30')).toThrow(TypeError);
    expect(() => normaliseBirthDate('01/04/1990')).toThrow(TypeError);
    expect(normaliseBirthDate('2000-02-29')).toBe('2000-02-29');
    expect(() =>
      indexer.index({ organisationId: orgA, name: ' .-. ', birthDate: '1990-04-01' }),
    ).toThrow(TypeError);
    expect(() =>
      indexer.index({ organisationId: 'org-1', name: 'x', birthDate: '1990-04-01' }),
    ).toThrow(TypeError);
  });
});
