import { Inject, Injectable } from '@nestjs/common';
import { caseReachOf, type CaseReach } from '@remedy/case-domain';
import { readCase } from '@remedy/case-stream';
import { EVENT_STORE, type EventStore } from '@remedy/event-store';

/**
 * How far an organisation reaches a case, decided on the case's stream (not a read model, which
 * may lag): the access history's access check. Controllers do not read the event store themselves.
 */
@Injectable()
export class CaseReachQuery {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async reachOf(caseId: string, organisationId: string): Promise<CaseReach | undefined> {
    return caseReachOf((await readCase(this.store, caseId)).readableState(), organisationId);
  }
}
