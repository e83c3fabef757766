import { CommandHandler, type ICommandHandler, Command } from '@nestjs/cqrs';
import type { CommandContext } from '../pipeline/context';
import { scopedId } from '../pipeline/ids';
import {
  OrganisationDirectory,
  type OrganisationCommandResult,
} from './organisation-directory.service';
import type { OrganisationProfile } from './organisation.events';

export class RegisterOrganisationCommand extends Command<OrganisationCommandResult> {
  constructor(
    readonly input: OrganisationProfile & { readonly code: string },
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

export class UpdateOrganisationCommand extends Command<OrganisationCommandResult> {
  constructor(
    readonly organisationId: string,
    readonly input: OrganisationProfile,
    readonly ctx: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterOrganisationCommand)
export class RegisterOrganisationHandler implements ICommandHandler<
  RegisterOrganisationCommand,
  OrganisationCommandResult
> {
  constructor(private readonly directory: OrganisationDirectory) {}

  execute({ input, ctx }: RegisterOrganisationCommand): Promise<OrganisationCommandResult> {
    // Same Idempotency-Key → same organisation id, so a retry cannot register it twice.
    const organisationId = scopedId(
      { userId: ctx.actor.userId, route: ctx.route, idempotencyKey: ctx.idempotencyKey },
      'organisation',
    );
    return this.directory.register(organisationId, input, ctx);
  }
}

@CommandHandler(UpdateOrganisationCommand)
export class UpdateOrganisationHandler implements ICommandHandler<
  UpdateOrganisationCommand,
  OrganisationCommandResult
> {
  constructor(private readonly directory: OrganisationDirectory) {}

  execute({
    organisationId,
    input,
    ctx,
  }: UpdateOrganisationCommand): Promise<OrganisationCommandResult> {
    return this.directory.update(organisationId, input, ctx);
  }
}
