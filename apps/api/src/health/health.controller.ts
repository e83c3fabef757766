import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@remedy/auth';
import { HealthReport, HealthService } from '@remedy/platform';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Always 200: the details of every dependency and projection. */
  @Get()
  @ApiOkResponse({
    description: 'Database, event store, queue backend and projection positions and lag',
  })
  report(): Promise<HealthReport> {
    return this.health.report();
  }

  /** 503 when a dependency is down or a projection lags beyond PROJECTION_READY_MAX_LAG_SECONDS. */
  @Get('ready')
  @ApiOkResponse({ description: 'Ready to serve' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down or a projection lags' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.health.report();
    const ready =
      report.database.status === 'up' &&
      report.eventStore.status === 'up' &&
      report.queue.status === 'up' &&
      !report.projections.some((p) => p.status === 'lagging');
    void reply.status(ready ? 200 : 503);
    return report;
  }
}
