import { randomUUID } from 'node:crypto';
import type { CaseCommand } from '@remedy/case-domain';
import type { Actor, CaseWriter } from '../cases/read/support/case-writer';

type Without<C> = C extends unknown ? Omit<C, 'actor' | 'caseId'> : never;

/** Runs commands on one case as the command side would (domain decides, personal data sealed). */
export function caseScript(writer: CaseWriter, actor: Actor, caseId: string) {
  return (command: Without<CaseCommand>, now?: Date) =>
    writer.run(caseId, { ...command, actor, caseId } as CaseCommand, now);
}

/** Unique markers for personal fields: a release must never contain one. */
export const marker = (label: string): string =>
  `ZZMARK${label}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
