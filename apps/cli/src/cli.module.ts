import { Module } from '@nestjs/common';
import { CliContext } from './cli-context';
import {
  KeysCommand,
  KeysRetireMasterCommand,
  KeysRotateMasterCommand,
  KeysStatusCommand,
} from './commands/keys.command';
import { MigrateCommand } from './commands/migrate.command';
import {
  ProjectionCommand,
  ProjectionListCommand,
  ProjectionRebuildCommand,
} from './commands/projection.command';
import { TokenCommand, TokenMintCommand } from './commands/token.command';

@Module({
  providers: [
    CliContext,
    MigrateCommand,
    TokenCommand,
    TokenMintCommand,
    KeysCommand,
    KeysRotateMasterCommand,
    KeysRetireMasterCommand,
    KeysStatusCommand,
    ProjectionCommand,
    ProjectionListCommand,
    ProjectionRebuildCommand,
  ],
})
export class CliModule {}
