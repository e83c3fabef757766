import { Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { assertCan, Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { ApiController, ReadsProjections } from '@remedy/http';
import { DASHBOARD_PROJECTION } from './dashboard.projection';
import { DashboardQueries } from './queries';
import { SupervisorDashboard } from './views';

const REFUSAL = "The dashboard is for the organisation's supervisors";

export const DASHBOARD_QUERIES = Symbol('remedy:DashboardQueries');

@ApiController('dashboard', 'dashboard')
export class DashboardController {
  constructor(@Inject(DASHBOARD_QUERIES) private readonly queries: DashboardQueries) {}

  @Get('supervisor')
  @Policy('read', 'SupervisorDashboard', { refusal: REFUSAL })
  @ApiOperation({
    summary:
      "The supervisor's dashboard of the caller's organisation: figures from the dashboard projection's dated facts, windows at the jurisdiction's today",
  })
  @ApiOkResponse({ type: SupervisorDashboard })
  @ReadsProjections(DASHBOARD_PROJECTION)
  supervisor(@CurrentActor() actor: Actor): Promise<SupervisorDashboard> {
    assertCan(actor, 'read', 'SupervisorDashboard', REFUSAL);
    return this.queries.supervisor(actor.organisationId);
  }
}
