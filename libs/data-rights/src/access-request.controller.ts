import {
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { CASES_PROJECTION, TIMELINE_PROJECTION } from '@remedy/case-read-models';
import { ReadsProjections, problem } from '@remedy/http';
import { LEGAL_AID_PROJECTION } from '@remedy/legal-aid';
import { AccessRequestExporter } from './access-request';
import { AccessRequestExport } from './views';
import { ACCESS_REQUEST_EXPORTER } from './tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ACCESS_REQUEST_ANSWERERS =
  "A person's access request is answered by a supervisor of the organisation holding the case";

function notFound(): never {
  throw new NotFoundException(problem(404, 'No such case'));
}

/**
 * The person's access request (DOMAIN.md "Personal data"; GDPR art. 15): everything held on the
 * person of one case, as JSON, for a supervisor of the organisation holding the case to hand
 * over. Answered with `Cache-Control: no-store` (as every answer, @remedy/http) and audited by
 * the audit trail's interceptor like every case read; the export itself is never stored.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class AccessRequestController {
  constructor(@Inject(ACCESS_REQUEST_EXPORTER) private readonly exporter: AccessRequestExporter) {}

  @Get(':caseId/access-request-export')
  @Policy.case('export', 'AccessRequestExport', { refusal: ACCESS_REQUEST_ANSWERERS })
  @ReadsProjections(CASES_PROJECTION, TIMELINE_PROJECTION, LEGAL_AID_PROJECTION)
  @ApiOperation({
    summary:
      "The person's access request: everything held on them (decrypted personal fields of every event, " +
      'readable facts, timeline, notes, consents, referrals, claims, access history) as JSON, for a ' +
      'supervisor of the holding organisation to hand over. Not stored. 404 for other organisations, ' +
      '403 for other roles and for organisations reaching the case by referral or legal aid',
  })
  @ApiParam({ name: 'caseId', type: String, format: 'uuid' })
  @ApiOkResponse({
    type: AccessRequestExport,
    description: 'The export (format `remedy-access-request/v1`), as an attachment',
  })
  async export(
    @CurrentActor() actor: Actor,
    @Param('caseId') caseId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessRequestExport> {
    if (!UUID.test(caseId)) notFound();
    const id = caseId.toLowerCase();
    // Who may know the case is decided first (404), then what the caller may do with it (403).
    const outcome = await this.exporter.export(actor, id);
    if (outcome.kind === 'not_found') notFound();
    if (outcome.kind !== 'ok') {
      throw new ForbiddenException(problem(403, ACCESS_REQUEST_ANSWERERS));
    }
    void reply.header('content-disposition', `attachment; filename="access-request-${id}.json"`);
    return outcome.export;
  }
}
