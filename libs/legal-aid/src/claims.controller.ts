import {
  applyDecorators,
  Controller,
  Get,
  Inject,
  Query,
  type Type as Class,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { Policy } from '@remedy/access-policy';
import { CurrentActor, type Actor } from '@remedy/auth';
import { CLAIM_STATUSES, REMEDY_AVENUES } from '@remedy/case-domain';
import { PageLimit, ReadsProjections } from '@remedy/http';
import { checkRole, LEGAL_AID_READERS } from './legal-aid.controller';
import { LEGAL_AID_PROJECTION } from './legal-aid.projection';
import { LegalAidClaimQueries } from './queries';
import { LEGAL_AID_CLAIM_QUERIES } from './tokens';
import { ClaimList, Deadlines, OutcomeFiguresView, Portfolio } from './views';

const REPRESENTATIVE =
  /^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

class RepresentativeQuery {
  @ApiPropertyOptional({
    pattern: REPRESENTATIVE.source,
    description: '`me` (the caller) or the opaque user id of a legal representative',
  })
  @IsOptional()
  @Matches(REPRESENTATIVE, { message: 'representative must be "me" or a user id' })
  representative?: string;
}

export class ClaimsQuery extends RepresentativeQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the claims of this case' })
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ enum: CLAIM_STATUSES })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: string;

  @ApiPropertyOptional({ enum: REMEDY_AVENUES })
  @IsOptional()
  @IsIn(REMEDY_AVENUES)
  avenue?: string;

  @PageLimit({ maximum: 500, default: 100 })
  limit?: number;
}

export class PortfolioQuery extends RepresentativeQuery {}

export class DeadlinesQuery extends RepresentativeQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 366,
    default: 30,
    description: 'Deadlines from today to today + days',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(366)
  days?: number;
}

/** Whose claims a read is about: checks the caller's role (403), then the representative asked for. */
const readScope = (actor: Actor, { representative }: RepresentativeQuery) => {
  checkRole(actor);
  return {
    representativeId:
      representative === undefined
        ? undefined
        : representative === 'me'
          ? actor.userId
          : representative.toLowerCase(),
  };
};

/** A read of the legal-aid projection: `GET legal-aid/<path>` answering `type`, once it is applied. */
const LegalAidRead = (path: string, summary: string, type: Class<unknown>) =>
  applyDecorators(
    Get(path),
    ApiOperation({ summary }),
    ApiOkResponse({ type }),
    ReadsProjections(LEGAL_AID_PROJECTION),
  );

/**
 * Claims across the cases the caller's organisation reaches (held, or live legal-aid access with
 * live consent). Amounts are integer minor units; every sum is per currency.
 */
@ApiTags('legal-aid')
@ApiBearerAuth()
@Controller('legal-aid')
@Policy('list', 'LegalAidPortfolio', { refusal: LEGAL_AID_READERS })
export class LegalAidClaimsController {
  constructor(@Inject(LEGAL_AID_CLAIM_QUERIES) private readonly claims: LegalAidClaimQueries) {}

  @LegalAidRead(
    'claims',
    'Claims per lawyer (representative=me|<id>), per case or per organisation, with totals per currency',
    ClaimList,
  )
  list(@CurrentActor() actor: Actor, @Query() query: ClaimsQuery): Promise<ClaimList> {
    return this.claims.listClaims(actor, {
      ...readScope(actor, query),
      caseId: query.caseId?.toLowerCase(),
      status: query.status,
      avenue: query.avenue,
      limit: query.limit,
    });
  }

  @LegalAidRead(
    'portfolio',
    'Totals per avenue and status, per avenue, per status and overall, each per currency',
    Portfolio,
  )
  portfolio(@CurrentActor() actor: Actor, @Query() query: PortfolioQuery): Promise<Portfolio> {
    return this.claims.portfolio(actor, readScope(actor, query));
  }

  @LegalAidRead(
    'outcomes',
    'Outcome figures by avenue and year (filed, decided, awarded, paid in full or in part; awarded and paid money in the reference currency with the share paid, currencies without a rate per currency)',
    OutcomeFiguresView,
  )
  outcomes(
    @CurrentActor() actor: Actor,
    @Query() query: PortfolioQuery,
  ): Promise<OutcomeFiguresView> {
    return this.claims.outcomes(actor, readScope(actor, query));
  }

  @LegalAidRead(
    'deadlines',
    'Filing deadlines, hearings and payment due dates in the next N days (default 30)',
    Deadlines,
  )
  deadlines(@CurrentActor() actor: Actor, @Query() query: DeadlinesQuery): Promise<Deadlines> {
    return this.claims.deadlines(actor, { days: query.days ?? 30, ...readScope(actor, query) });
  }
}
