import {
  ASSISTANCE_TYPES,
  type AssessNeeds,
  type AssistanceType,
  type ProvideAssistance,
  type RecordSupportPlan,
} from '@remedy/case-domain';
import type { CommandBody } from '../command-body';
import { FreeTextCommandDto } from './common.dto';
import { Code, CodeList, DateField } from './fields';

/** Support: the needs, the support plan and the assistance provided. */

export class AssessNeedsDto extends FreeTextCommandDto implements CommandBody<AssessNeeds> {
  @CodeList(ASSISTANCE_TYPES)
  needs!: AssistanceType[];
}

export class RecordSupportPlanDto
  extends FreeTextCommandDto
  implements CommandBody<RecordSupportPlan, 'planId'>
{
  @CodeList(ASSISTANCE_TYPES)
  plannedAssistance!: AssistanceType[];

  @DateField({ optional: true })
  reviewOn?: string;
}

export class ProvideAssistanceDto
  extends FreeTextCommandDto
  implements CommandBody<ProvideAssistance, 'assistanceId'>
{
  @Code(ASSISTANCE_TYPES)
  assistanceType!: AssistanceType;

  @DateField({ optional: true, description: 'First day; defaults to today' })
  from?: string;

  @DateField({ optional: true })
  until?: string;
}
