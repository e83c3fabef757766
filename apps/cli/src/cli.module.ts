import { Module } from '@nestjs/common';
import { CliContext } from './cli-context';
import { KeysCommand, KeysRotateMasterCommand, KeysStatusCommand } from './commands/keys.command';
import { MigrateCommand } from './commands/migrate.command';
import { TokenCommand, TokenMintCommand } from './commands/token.command';

@Module({
  providers: [
    CliContext,
    MigrateCommand,
    TokenCommand,
    TokenMintCommand,
    KeysCommand,
    KeysRotateMasterCommand,
    KeysStatusCommand,
  ],
})
export class CliModule {}
