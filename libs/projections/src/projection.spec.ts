import { defineProjection, projectionEntities } from './projection';
import { parseCheckpointNotification } from './checkpoint';

const base = {
  name: 'cases.list',
  eventTypes: ['CaseOpened'],
  entities: [] as never[],
  apply: async () => undefined,
  clear: async () => undefined,
};

describe('defineProjection', () => {
  it('given a valid definition, returns it unchanged', () => {
    expect(defineProjection(base)).toBe(base);
  });

  it.each(['', 'Cases', '1cases', 'cases list', 'x'.repeat(64), 'cases;drop'])(
    'given the name %p, refuses it',
    (name) => {
      expect(() => defineProjection({ ...base, name })).toThrow(/Projection name/);
    },
  );

  it('given no event types, refuses it', () => {
    expect(() => defineProjection({ ...base, eventTypes: [] })).toThrow(/handles no event types/);
  });

  it('given a batch size that is not a positive integer, refuses it', () => {
    expect(() => defineProjection({ ...base, batchSize: 0 })).toThrow(/batchSize/);
    expect(() => defineProjection({ ...base, batchSize: 1.5 })).toThrow(/batchSize/);
  });

  it('collects the entities of several projections', () => {
    class A {}
    class B {}
    expect(
      projectionEntities([
        { ...base, entities: [A] },
        { ...base, name: 'other', entities: [B] },
      ]),
    ).toEqual([A, B]);
  });
});

describe('parseCheckpointNotification', () => {
  it('reads "<projection> <commit>.<prepare>"', () => {
    expect(parseCheckpointNotification('cases.list 812.4051')).toEqual({
      projection: 'cases.list',
      position: { commit: 812n, prepare: 4051n },
    });
    expect(parseCheckpointNotification('cases.list -1.-1')).toEqual({
      projection: 'cases.list',
      position: { commit: -1n, prepare: -1n },
    });
  });

  it('ignores anything else', () => {
    expect(parseCheckpointNotification(undefined)).toBeUndefined();
    expect(parseCheckpointNotification('cases.list')).toBeUndefined();
    expect(parseCheckpointNotification('cases.list 12')).toBeUndefined();
  });
});
