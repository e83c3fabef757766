import { CURRENT_SCHEMA_VERSIONS, isCaseEventType, type CaseEvent } from './index';
import type { CaseOpened, CaseOpenedV1 } from './opening';

/** An event as read from the store: type, (maybe missing) schema version, data. */
export interface RawEvent {
  readonly type: string;
  readonly schemaVersion?: number;
  readonly data: unknown;
}

export class UnknownEventError extends Error {
  override readonly name = 'UnknownEventError';
}

/** CaseOpened v1 → v2: the single `citizenship` becomes the list `citizenships`. */
export const upcastCaseOpenedV1 = (event: CaseOpenedV1): CaseOpened => {
  const { citizenship, ...profile } = event.data.profile;
  return {
    type: 'CaseOpened',
    schemaVersion: 2,
    data: { ...event.data, profile: { ...profile, citizenships: [citizenship] } },
  };
};

/**
 * Brings a stored event to its current schema version, one step at a time. A missing schemaVersion
 * means 1. Unknown types and versions newer than this code throw (a newer writer must not be
 * misread by an older reader).
 */
export const upcast = (raw: RawEvent): CaseEvent => {
  if (!isCaseEventType(raw.type))
    throw new UnknownEventError(`unknown case event type ${raw.type}`);
  const current: number = CURRENT_SCHEMA_VERSIONS[raw.type];
  const version = raw.schemaVersion ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > current) {
    throw new UnknownEventError(
      `unsupported schemaVersion ${version} for ${raw.type} (current ${current})`,
    );
  }
  if (raw.type === 'CaseOpened' && version === 1) {
    return upcastCaseOpenedV1({ ...raw, schemaVersion: 1 } as CaseOpenedV1);
  }
  return { ...raw, schemaVersion: version } as CaseEvent;
};
