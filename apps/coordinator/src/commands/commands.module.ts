import { ContinuePreviewer } from './continue-previewer';
import { Module } from '@nestjs/common';
import { CommandService } from './command.service';
import { CommandsController } from './commands.controller';
import { KeaController } from './kea.controller';
import { TwoPersonRule } from './two-person-rule';

/** Operator commands, audited: the REST route and Kea's control channel share one command path. */
@Module({
  controllers: [CommandsController, KeaController],
  providers: [CommandService, TwoPersonRule, ContinuePreviewer],
})
export class CommandsModule {}
