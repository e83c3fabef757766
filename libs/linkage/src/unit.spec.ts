import { encodeClk, clkBlocks, LINK_THRESHOLD } from '@remedy/person-matching';
import { clustersOf, comparePairs } from './unit';
import { parseLinkageSecret } from './secret';

const secret = Buffer.alloc(32, 7);
const enc = (recordId: string, fullName: string, birthDate: string, version = 1) => {
  const clk = encodeClk({ fullName, birthDate, citizenships: ['UA'], sex: 'Masculine' }, secret);
  return { recordId, clk, blocks: clkBlocks(clk), version };
};

describe('the linkage unit’s comparison (pure)', () => {
  it('pairs the same person spelled differently, not another person, and never across secret versions', () => {
    const encodings = [
      enc('00000000-0000-4000-8000-000000000001', 'Oleksandr Petrenko', '1991-03-14'),
      enc('00000000-0000-4000-8000-000000000002', 'Olexandr Petrenko', '1991-03-14'),
      enc('00000000-0000-4000-8000-000000000003', 'Maria Kowalska', '1984-11-02'),
      enc('00000000-0000-4000-8000-000000000004', 'Oleksandr Petrenko', '1991-03-14', 2),
    ];
    const { pairs, comparisons } = comparePairs(encodings);
    expect(pairs.map((p) => [p.a, p.b])).toEqual([
      ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'],
    ]);
    expect(pairs[0]!.score).toBeGreaterThanOrEqual(LINK_THRESHOLD);
    // Blocking: fewer comparisons than all pairs of the same version (3 of version 1 → at most 3).
    expect(comparisons).toBeLessThanOrEqual(3);
  });

  it('clusters are connected components; a cluster keeps the id most of its records had', () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    let n = 0;
    const newId = () => `new-${++n}`;
    const first = clustersOf(
      ids,
      [
        { a: 'a', b: 'b', score: 0.9 },
        { a: 'b', b: 'c', score: 0.9 },
      ],
      new Map(),
      newId,
    );
    expect(first.get('a')).toBe(first.get('c'));
    expect(first.get('d')).not.toBe(first.get('e'));
    expect(new Set(first.values()).size).toBe(3);
    // 'c' leaves the cluster, 'd' joins: the cluster of a and b keeps its id; c gets a new one.
    const second = clustersOf(
      ids,
      [
        { a: 'a', b: 'b', score: 0.9 },
        { a: 'b', b: 'd', score: 0.9 },
      ],
      first,
      newId,
    );
    expect(second.get('a')).toBe(first.get('a'));
    expect(second.get('d')).toBe(first.get('a'));
    expect(second.get('c')).not.toBe(first.get('a'));
    expect(second.get('e')).toBe(first.get('e'));
  });

  it('LINKAGE_SECRET: one key is version 1; a ring encodes with its highest version', () => {
    const k1 = Buffer.alloc(32, 1).toString('base64');
    const k2 = Buffer.alloc(32, 2).toString('base64');
    expect(parseLinkageSecret(k1)).toEqual({ version: 1, key: Buffer.alloc(32, 1) });
    expect(parseLinkageSecret(`1:${k1}, 2:${k2}`)).toEqual({
      version: 2,
      key: Buffer.alloc(32, 2),
    });
    expect(() => parseLinkageSecret('1:short')).toThrow(/LINKAGE_SECRET/);
  });
});
