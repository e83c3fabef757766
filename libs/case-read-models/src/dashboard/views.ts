import { ApiProperty } from '@nestjs/swagger';
import { DATE, listOf } from '@remedy/http';
import { IDENTIFICATION_STATUSES } from '../views';

const COUNT = { type: 'integer', minimum: 0 } as const;
const NULLABLE_DAYS = {
  type: Number,
  nullable: true,
  description: 'Median in days between occurred dates (null: no case)',
} as const;

/** Open cases of one caseworker (or none) with one identification status. */
export class OpenCasesCell {
  @ApiProperty({ type: String, nullable: true, description: 'Opaque id; null: not assigned' })
  readonly caseworkerId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The caseworker's display name (embedded provider's account, or the name claim recorded at login with an external provider), else a short opaque id; null when not assigned",
  })
  readonly caseworkerName!: string | null;

  @ApiProperty({ enum: IDENTIFICATION_STATUSES })
  readonly identificationStatus!: string;

  @ApiProperty(COUNT)
  readonly count!: number;
}

export class FirstAssistanceFigure {
  @ApiProperty({ ...COUNT, description: 'Cases with a first assistance (figure `assisted`)' })
  readonly cases!: number;

  @ApiProperty(NULLABLE_DAYS)
  readonly medianDays!: number | null;
}

export class ReferralFigures {
  @ApiProperty(COUNT)
  readonly count!: number;

  @ApiProperty(COUNT)
  readonly answered!: number;

  @ApiProperty(COUNT)
  readonly accepted!: number;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'accepted / answered, 0..1 (null: none answered)',
  })
  readonly acceptanceRate!: number | null;

  @ApiProperty(NULLABLE_DAYS)
  readonly medianDaysToAnswer!: number | null;
}

/**
 * The supervisor's dashboard of their organisation (figures named as GET /cases?figure= lists the
 * cases behind them). Windows are taken at `today`, the jurisdiction's date.
 */
export class SupervisorDashboard {
  @ApiProperty({ ...DATE, description: "The jurisdiction's today the windows are computed with" })
  readonly today!: string;

  @ApiProperty(listOf(OpenCasesCell))
  readonly openCases!: OpenCasesCell[];

  @ApiProperty({ ...COUNT, description: 'Figure `open`' })
  readonly openTotal!: number;

  @ApiProperty({ type: FirstAssistanceFigure })
  readonly firstAssistance!: FirstAssistanceFigure;

  @ApiProperty({ ...COUNT, description: 'Figure `reflection_7`: ending today or in 7 days' })
  readonly reflectionEndingIn7Days!: number;

  @ApiProperty({ ...COUNT, description: 'Figure `reflection_30`: ending today or in 30 days' })
  readonly reflectionEndingIn30Days!: number;

  @ApiProperty({ ...COUNT, description: 'Figure `assessment_awaited`' })
  readonly childrenAwaitingAssessment!: number;

  @ApiProperty({ type: ReferralFigures, description: 'Sent by the organisation (`referred_out`)' })
  readonly referralsSent!: ReferralFigures;

  @ApiProperty({ type: ReferralFigures, description: 'Received by the organisation' })
  readonly referralsReceived!: ReferralFigures;

  @ApiProperty({ ...COUNT, description: 'Figure `closure_requested`' })
  readonly closuresAwaitingApproval!: number;

  @ApiProperty({
    ...COUNT,
    description:
      'Reminders fallen due, not done, whose date has passed (cases: figure `reminders_overdue`)',
  })
  readonly overdueReminders!: number;
}
