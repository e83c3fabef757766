import type { CaseCommand } from '../commands';
import { LAW_ENFORCEMENT_COOPERATION, REMEDY_AVENUES, REMEDY_TYPES } from '../code-lists';
import { evolveAll } from '../state';
import {
  caseworker,
  checksLegalAidAccess,
  extend,
  grantLegalAid,
  history,
  identify,
  lawyer,
  openCase,
  outsider,
  recorded,
  spec,
  supervisor,
} from '../testing/fixtures';

const opened = () => history([openCase(), identify()]);
const withLegalAid = () => extend(opened(), grantLegalAid);
const seek = (patch: Partial<CaseCommand & { type: 'SeekRemedy' }> = {}): CaseCommand => ({
  type: 'SeekRemedy',
  actor: caseworker,
  remedyId: 'rem-1',
  remedyType: 'Compensation',
  avenue: 'LabourOrEmploymentTribunal',
  personal: { text: 'unpaid wages' },
  ...patch,
});
const raise = (actor = caseworker, flagId = 'flag-1'): CaseCommand => ({
  type: 'RaiseNonPunishmentFlag',
  actor,
  flagId,
  personal: { text: 'charged with document fraud' },
});
const resolve = (actor = caseworker, flagId = 'flag-1'): CaseCommand => ({
  type: 'ResolveNonPunishmentFlag',
  actor,
  flagId,
  resolution: 'charges_dropped',
  personal: {},
});

describe('Law-enforcement cooperation recorded (rule 1: information only)', () => {
  it.each(LAW_ENFORCEMENT_COOPERATION)("records %s as the person's choice", (cooperation) => {
    const [recorded] = spec
      .given(opened())
      .when({ type: 'RecordLawEnforcementCooperation', actor: caseworker, cooperation })
      .thenAccepted();
    expect(recorded).toMatchObject({
      type: 'LawEnforcementCooperationRecorded',
      data: { cooperation },
    });
    expect(evolveAll([...opened(), recorded!]).information.lawEnforcementCooperation).toBe(
      cooperation,
    );
  });

  it('rejects values outside the list and other organisations', () => {
    spec
      .given(opened())
      .when({
        type: 'RecordLawEnforcementCooperation',
        actor: caseworker,
        cooperation: 'informant',
      } as never)
      .thenRejects('INVALID_INPUT');
    spec
      .given(opened())
      .when({ type: 'RecordLawEnforcementCooperation', actor: outsider, cooperation: 'declined' })
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
  });
});

describe('Remedy sought (rule 5)', () => {
  it('records a remedy type and avenue', () => {
    spec
      .given(opened())
      .when(seek())
      .then([
        recorded('RemedySought', {
          remedyId: 'rem-1',
          remedyType: 'Compensation',
          avenue: 'LabourOrEmploymentTribunal',
          personal: { text: 'unpaid wages' },
        }),
      ]);
  });

  it('several remedies through several avenues at once, every type and avenue accepted', () => {
    let events = opened();
    REMEDY_TYPES.forEach((remedyType, i) => {
      REMEDY_AVENUES.forEach((avenue, j) => {
        events = extend(events, [seek({ remedyId: `rem-${i}-${j}`, remedyType, avenue })]);
      });
    });
    expect(evolveAll(events).remedyIds).toHaveLength(REMEDY_TYPES.length * REMEDY_AVENUES.length);
  });

  it('rejects a duplicate id', () => {
    spec
      .given(extend(opened(), [seek()]))
      .when(seek())
      .thenRejects('REMEDY_ALREADY_SOUGHT');
  });

  it.each([
    ['an unknown type', { remedyType: 'Revenge' as never }],
    ['an unknown avenue', { avenue: 'Twitter' as never }],
    ['an empty id', { remedyId: '' }],
  ])('rejects a remedy with %s', (_, patch) => {
    spec.given(opened()).when(seek(patch)).thenRejects('INVALID_INPUT');
  });

  it('a legal aid lawyer with access records remedies; without access, not', () => {
    checksLegalAidAccess(opened(), (actor) => seek({ actor }));
  });

  it('not on a closed case', () => {
    const closed = extend(opened(), [
      { type: 'RequestClosure', actor: caseworker, reason: 'other', personal: {} },
      { type: 'ApproveClosure', actor: supervisor, personal: {} },
    ]);
    spec.given(closed).when(seek()).thenRejects('CASE_CLOSED');
  });
});

describe('Non-punishment flag raised / resolved (rule 6)', () => {
  it('raise then resolve', () => {
    const [raised] = spec.given(opened()).when(raise()).thenAccepted();
    expect(raised).toMatchObject({
      type: 'NonPunishmentFlagRaised',
      data: { flagId: 'flag-1', personal: { text: 'charged with document fraud' } },
    });
    const [resolved] = spec
      .given([...opened(), raised!])
      .when(resolve())
      .thenAccepted();
    expect(resolved).toMatchObject({
      type: 'NonPunishmentFlagResolved',
      data: { flagId: 'flag-1', resolution: 'charges_dropped' },
    });
    expect(evolveAll([...opened(), raised!, resolved!]).nonPunishmentFlags).toEqual({
      'flag-1': 'resolved',
    });
  });

  it('a legal aid lawyer with access acts on the flag', () => {
    const raised = extend(withLegalAid(), [raise(lawyer)]);
    spec.given(raised).when(resolve(lawyer)).thenAccepted();
    spec.given(opened()).when(raise(lawyer)).thenRejects('ACCESS_NO_LEGAL_AID_ACCESS');
  });

  it('impossible transitions are rejected', () => {
    spec.given(opened()).when(resolve()).thenRejects('RULE_6_FLAG_NOT_RAISED');
    const raised = extend(opened(), [raise()]);
    spec.given(raised).when(raise()).thenRejects('RULE_6_FLAG_ALREADY_RAISED');
    const resolved = extend(raised, [resolve()]);
    spec.given(resolved).when(resolve()).thenRejects('RULE_6_FLAG_NOT_RAISED');
    spec.given(resolved).when(raise()).thenRejects('RULE_6_FLAG_ALREADY_RAISED');
    spec.given(raised).when(raise(caseworker, 'flag-2')).thenAccepted();
  });

  it('rejects an unknown resolution and an empty id', () => {
    spec
      .given(extend(opened(), [raise()]))
      .when({ ...resolve(), resolution: 'pardoned' } as never)
      .thenRejects('INVALID_INPUT');
    spec.given(opened()).when(raise(caseworker, '')).thenRejects('INVALID_INPUT');
  });
});
