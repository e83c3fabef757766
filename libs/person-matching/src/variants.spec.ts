import fc from 'fast-check';
import {
  CLK_BITS,
  compareClks,
  compareTokens,
  consonantSkeleton,
  dice,
  encodeClk,
  LINK_THRESHOLD,
  matchTokens,
  nameParts,
  nameSimilarityOf,
} from './index';
import { NAME_VARIANTS, spellingsOf } from './synthetic';

const key = Buffer.alloc(32, 5);
const secret = Buffer.alloc(32, 6);

describe('the committed table of real spellings (data/name-variants.json)', () => {
  it('holds at least 200 spellings across Latin, Cyrillic and Arabic script', () => {
    const all = NAME_VARIANTS.flatMap(spellingsOf);
    expect(all.length).toBeGreaterThanOrEqual(200);
    expect(all.some((s) => /\p{Script=Cyrillic}/u.test(s))).toBe(true);
    expect(all.some((s) => /\p{Script=Arabic}/u.test(s))).toBe(true);
  });

  it('given two spellings of one name from the table, their parts meet (exact, sound or one edit) for most pairs', () => {
    let pairs = 0;
    let met = 0;
    const misses: string[] = [];
    for (const group of NAME_VARIANTS) {
      const spellings = spellingsOf(group);
      for (const a of spellings)
        for (const b of spellings) {
          if (a >= b) continue;
          pairs++;
          const s = nameSimilarityOf(
            matchTokens({ fullName: a }, key),
            matchTokens({ fullName: b }, key),
          );
          if (s >= 0.8) met++;
          else misses.push(`${a} / ${b}`);
        }
    }
    console.log(
      `table: ${met} of ${pairs} spelling pairs meet (${((100 * met) / pairs).toFixed(1)} %); e.g. not: ${misses.slice(0, 12).join(', ')}`,
    );
    expect(met / pairs).toBeGreaterThan(0.75);
  });

  it.each([
    ['محمد', 'Mohammed'],
    ['Мухаммед', 'Muhammad'],
    ['Александр', 'Alexander'],
    ['الكسندر', 'Aleksandr'],
    ['عبد الرحمن', 'Abdul Rahman'],
    ['Иванов', 'Iwanow'],
    ['يوسف', 'Youssef'],
  ])('given %s and %s, then the same consonant skeleton', (a, b) => {
    const sa = nameParts(a).flatMap((p) => p.skeletons);
    const sb = nameParts(b).flatMap((p) => p.skeletons);
    expect(sa.some((s) => sb.includes(s))).toBe(true);
  });

  it('consonantSkeleton merges the Muhammad family', () => {
    expect(
      new Set(['muhammad', 'mohamed', 'mohammed', 'mehmet'].map((s) => consonantSkeleton(s))),
    ).toEqual(new Set(['mhmt']));
  });
});

describe('properties', () => {
  const parts = fc.array(fc.constantFrom(...NAME_VARIANTS.flatMap((g) => g.spellings.latin)), {
    minLength: 1,
    maxLength: 3,
  });
  const name = fc
    .array(fc.constantFrom(...NAME_VARIANTS.flatMap((g) => g.spellings.latin)), {
      minLength: 1,
      maxLength: 3,
    })
    .map((parts) => parts.join(' '));
  const birthDate = fc
    .date({ min: new Date('1950-01-01'), max: new Date('2015-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('tokens are deterministic and hold neither the name, its parts nor the birth date', () => {
    fc.assert(
      fc.property(name, birthDate, (fullName, date) => {
        const a = matchTokens({ fullName, birthDate: date }, key);
        expect(matchTokens({ fullName, birthDate: date }, key)).toEqual(a);
        const joined = a.tokens.join(' ').toLowerCase();
        for (const part of nameParts(fullName))
          if (part.text.length >= 4) expect(joined).not.toContain(part.text);
        expect(joined).not.toContain(date);
      }),
      { numRuns: 50 },
    );
  });

  it('the order of the name parts does not matter', () => {
    fc.assert(
      // Reversed by table spelling: "Abdul Aziz" stays one compound (compounds follow the writing).
      fc.property(parts, birthDate, (list, date) => {
        const fullName = list.join(' ');
        const reversed = [...list].reverse().join(' ');
        const same = compareTokens(
          matchTokens({ fullName, birthDate: date }, key),
          matchTokens({ fullName, birthDate: date }, key),
        );
        const s = compareTokens(
          matchTokens({ fullName, birthDate: date }, key),
          matchTokens({ fullName: reversed, birthDate: date }, key),
        );
        expect(s).toEqual(same);
      }),
      { numRuns: 50 },
    );
  });

  it('different keys give unrelated tokens; different secrets give unrelated CLKs', () => {
    fc.assert(
      fc.property(
        name,
        birthDate,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (fullName, date, other) => {
          const k2 = Buffer.from(other);
          fc.pre(!k2.equals(key) && !k2.equals(secret));
          const a = matchTokens({ fullName, birthDate: date }, key).tokens;
          const b = matchTokens({ fullName, birthDate: date }, k2).tokens;
          expect(a.filter((t) => b.includes(t))).toEqual([]);
          const ca = encodeClk({ fullName, birthDate: date }, secret);
          const cb = encodeClk({ fullName, birthDate: date }, k2);
          expect(dice(ca, cb)).toBeLessThan(0.6);
          expect(compareClks(ca, cb)).toBeLessThan(LINK_THRESHOLD);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a CLK holds no plaintext: its bytes are the same length whatever the input, and without flips it is deterministic', () => {
    fc.assert(
      fc.property(name, birthDate, (fullName, date) => {
        const a = encodeClk({ fullName, birthDate: date }, secret, { flipProbability: 0 });
        expect(encodeClk({ fullName, birthDate: date }, secret, { flipProbability: 0 })).toEqual(a);
        expect(a.length).toBe(CLK_BITS / 8);
        expect(a.toString('latin1').toLowerCase()).not.toContain(
          fullName.toLowerCase().slice(0, 4),
        );
      }),
      { numRuns: 25 },
    );
  });
});
