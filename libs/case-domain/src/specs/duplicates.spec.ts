import type { CaseCommand, RequestClosure } from '../commands';
import { evolveAll } from '../state';
import {
  approveClosure,
  bestInterests,
  caseworker,
  consent,
  extend,
  history,
  identify,
  openCase,
  openChildCase,
  outsider,
  recorded,
  requestClosure,
  spec,
  supervisor,
  CASE_ID,
} from '../testing/fixtures';

const OTHER_CASE = 'case-2';
const THIRD_CASE = 'case-3';

const decide = (
  decision: 'same_person' | 'not_same_person',
  otherCaseId = OTHER_CASE,
  decisionId = 'decision-1',
  actor = caseworker,
): CaseCommand => ({ type: 'RecordDuplicateDecision', actor, decisionId, otherCaseId, decision });

const mirror = (
  decision: 'same_person' | 'not_same_person',
  otherCaseId = OTHER_CASE,
  decisionId = 'decision-1',
): CaseCommand => ({
  type: 'MirrorDuplicateDecision',
  actor: caseworker,
  decisionId,
  otherCaseId,
  decision,
});

const opened = () => history([openCase(), identify(), consent('assistance')]);
const closeAsDuplicate = (actor = caseworker): CaseCommand => ({
  ...(requestClosure(actor) as RequestClosure),
  reason: 'duplicate',
});

describe('Possible duplicates: the caseworker decides (issue 19)', () => {
  it('given an open case, when a caseworker decides "same person", then DuplicateDecisionRecorded initiated here', () => {
    spec
      .given(opened())
      .when(decide('same_person'))
      .then([
        recorded('DuplicateDecisionRecorded', {
          decisionId: 'decision-1',
          otherCaseId: OTHER_CASE,
          decision: 'same_person',
          initiatedHere: true,
        }),
      ]);
    const state = evolveAll(extend(opened(), [decide('same_person')]));
    expect(state.sameAsCases).toEqual([OTHER_CASE]);
    expect(state.notSameAsCases).toEqual([]);
  });

  it('"not the same person" is kept apart from the links', () => {
    const state = evolveAll(extend(opened(), [decide('not_same_person')]));
    expect(state.notSameAsCases).toEqual([OTHER_CASE]);
    expect(state.sameAsCases).toEqual([]);
  });

  it('the mirror on the other case carries the same decision id, initiated elsewhere', () => {
    spec
      .given(opened())
      .when(mirror('not_same_person', THIRD_CASE))
      .then([
        recorded('DuplicateDecisionRecorded', {
          decisionId: 'decision-1',
          otherCaseId: THIRD_CASE,
          decision: 'not_same_person',
          initiatedHere: false,
        }),
      ]);
  });

  it('a case cannot be decided a duplicate of itself', () => {
    spec.given(opened()).when(decide('same_person', CASE_ID)).thenRejects('DUPLICATE_SAME_CASE');
    spec.given(opened()).when(mirror('same_person', CASE_ID)).thenRejects('DUPLICATE_SAME_CASE');
  });

  it('a pair is decided once, either way: no second decision, no contradiction', () => {
    const decided = extend(opened(), [decide('same_person')]);
    spec
      .given(decided)
      .when(decide('not_same_person', OTHER_CASE, 'decision-2'))
      .thenRejects('DUPLICATE_ALREADY_DECIDED');
    spec
      .given(decided)
      .when(decide('same_person', OTHER_CASE, 'decision-2'))
      .thenRejects('DUPLICATE_ALREADY_DECIDED');
    // Another pair is still open.
    spec
      .given(decided)
      .when(decide('not_same_person', THIRD_CASE, 'decision-3'))
      .thenAccepted();
  });

  it('a mirror already recorded (a process manager retried after a crash) is refused, so never twice', () => {
    const mirrored = extend(opened(), [mirror('same_person')]);
    spec.given(mirrored).when(mirror('same_person')).thenRejects('DUPLICATE_ALREADY_DECIDED');
  });

  it('only the holder’s staff decide; a closed case takes mirrors but no new decision; an erased one neither', () => {
    spec
      .given(opened())
      .when(decide('same_person', OTHER_CASE, 'd', outsider))
      .thenRejects('ACCESS_NOT_HOLDING_ORGANISATION');
    const closed = extend(opened(), [requestClosure(), approveClosure()]);
    spec.given(closed).when(decide('same_person')).thenRejects('CASE_CLOSED');
    spec.given(closed).when(mirror('same_person')).thenAccepted();
    const erased = extend(opened(), [
      { type: 'ErasePersonalData', actor: supervisor, erasureRequestId: 'e-1' },
    ]);
    spec.given(erased).when(mirror('same_person')).thenRejects('RULE_7_CASE_ERASED');
  });

  it.each([
    ['decision', { decision: 'maybe' }],
    ['otherCaseId', { otherCaseId: '' }],
    ['decisionId', { decisionId: '' }],
  ])('a bad %s is refused naming the field', (field, override) => {
    const { decision } = spec
      .given(opened())
      .when({ ...decide('same_person'), ...override } as CaseCommand);
    expect(decision.ok).toBe(false);
    if (!decision.ok) {
      expect(decision.error.rule).toBe('INVALID_INPUT');
      expect(decision.error.message).toContain(field);
    }
  });
});

describe('Closure as a duplicate (issue 19)', () => {
  it('needs a recorded same-person link', () => {
    spec
      .given(opened())
      .when(closeAsDuplicate())
      .thenRejects('CLOSURE_DUPLICATE_NEEDS_SAME_PERSON_LINK');
    spec
      .given(extend(opened(), [decide('not_same_person')]))
      .when(closeAsDuplicate())
      .thenRejects('CLOSURE_DUPLICATE_NEEDS_SAME_PERSON_LINK');
    spec
      .given(extend(opened(), [decide('same_person')]))
      .when(closeAsDuplicate())
      .thenAccepted();
    // The link recorded by the process manager (decided on the other case) counts the same.
    spec
      .given(extend(opened(), [mirror('same_person')]))
      .when(closeAsDuplicate())
      .thenAccepted();
  });

  it('goes through the ordinary request and four-eyes approval', () => {
    const requested = extend(opened(), [decide('same_person'), closeAsDuplicate()]);
    spec.given(requested).when(approveClosure(caseworker)).thenRejects('ROLE_SUPERVISOR_REQUIRED');
    const [approved] = spec.given(requested).when(approveClosure()).thenAccepted();
    expect(approved).toMatchObject({ type: 'ClosureApproved', data: { reason: 'duplicate' } });
  });

  it("a child's case closed as a duplicate needs a best-interests assessment for the closure (rule 3)", () => {
    const child = history([openChildCase(), identify(), consent('assistance')]);
    const requested = extend(child, [decide('same_person'), closeAsDuplicate()]);
    spec.given(requested).when(approveClosure()).thenRejects('RULE_3_BEST_INTERESTS_REQUIRED');
    spec
      .given(extend(requested, [bestInterests('closure')]))
      .when(approveClosure())
      .thenAccepted();
  });
});
