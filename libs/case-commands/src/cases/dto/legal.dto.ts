import {
  LAW_ENFORCEMENT_COOPERATION,
  NON_PUNISHMENT_RESOLUTIONS,
  REMEDY_AVENUES,
  REMEDY_TYPES,
  type LawEnforcementCooperation,
  type NonPunishmentResolution,
  type RecordLawEnforcementCooperation,
  type RemedyAvenue,
  type RemedyType,
  type ResolveNonPunishmentFlag,
  type SeekRemedy,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { CommandDto, FreeTextCommandDto } from './common.dto';
import { Code } from './fields';

/** Legal matters: cooperation with law enforcement, remedies, non-punishment. */

export class RecordLawEnforcementCooperationDto
  extends CommandDto
  implements CommandBody<RecordLawEnforcementCooperation>
{
  @Code(LAW_ENFORCEMENT_COOPERATION, {
    description: "The person's own choice; information only (rule 1)",
  })
  cooperation!: LawEnforcementCooperation;
}

export class SeekRemedyDto
  extends FreeTextCommandDto
  implements CommandBody<SeekRemedy, 'remedyId'>
{
  @Code(REMEDY_TYPES)
  remedyType!: RemedyType;

  @Code(REMEDY_AVENUES)
  avenue!: RemedyAvenue;
}

export class ResolveNonPunishmentFlagDto
  extends FreeTextCommandDto
  implements CommandBody<ResolveNonPunishmentFlag, 'flagId'>
{
  @Code(NON_PUNISHMENT_RESOLUTIONS)
  resolution!: NonPunishmentResolution;
}
