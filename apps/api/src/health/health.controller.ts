import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '@remedy/auth';
import { HealthService } from '@remedy/platform';

class HealthStatus {
  @ApiProperty({ enum: ['ok', 'degraded', 'error'] })
  readonly status!: 'ok' | 'degraded' | 'error';
}

/**
 * Public health: the status only, for load balancers and container checks. The details
 * (dependencies and their kinds, the event store's head, projection positions and lag) are the
 * operators': the internal listener serves them (METRICS_HOST/METRICS_PORT, InternalListenerModule).
 */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: always 200; `degraded` when a dependency is down or a projection is behind. */
  @Get()
  @ApiOkResponse({ type: HealthStatus, description: '`ok` or `degraded`; no details' })
  async report(): Promise<HealthStatus> {
    return { status: (await this.health.report()).status };
  }

  /** 503 when a dependency is down or a projection lags beyond PROJECTION_READY_MAX_LAG_SECONDS. */
  @Get('ready')
  @ApiOkResponse({ type: HealthStatus, description: 'Ready to serve: `ok`' })
  @ApiServiceUnavailableResponse({
    type: HealthStatus,
    description: 'A dependency is down or a projection lags: `error`',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthStatus> {
    const ready = HealthService.isReady(await this.health.report());
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ok' : 'error' };
  }
}
