import { ContinuePreviewer } from './continue-previewer';
import { Body, Controller, Get, HttpException, Inject, Param, Post, Query } from '@nestjs/common';
import { SpeaksKea } from '../common/error-body.filter';
import { Access } from '../auth/access.decorator';
import { Caller } from '../auth/caller.decorator';
import type { Principal } from '../auth/roles';
import { commandAccess } from './command-access';
import { CommandService } from './command.service';
import { CommandBody } from './dto/operator-command';
import { CommandsQuery } from './dto/commands.query';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import {
  CommandAnswer,
  CommandRecordResponse,
  CommandsResponse,
  ErrorBody,
  KeaAnswer,
} from '../common/responses';

@Controller()
export class CommandsController {
  constructor(
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(ContinuePreviewer) private readonly previewer: ContinuePreviewer,
  ) {}

  /** The peer's Kea answer comes back once the outcome is in the log. */
  @ApiBearerAuth()
  @ApiCreatedResponse({ standardSchema: CommandAnswer })
  @ApiBadRequestResponse({ standardSchema: KeaAnswer })
  @ApiUnauthorizedResponse({ standardSchema: KeaAnswer })
  @ApiNotFoundResponse({ standardSchema: KeaAnswer })
  @Post('peers/:cluster/:peer/commands')
  @SpeaksKea()
  @Access(commandAccess)
  async command(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Body({ schema: CommandBody }) body: CommandBody,
    @Caller() caller: Principal | null,
  ) {
    if (body.dryRun === true) {
      const preview = await this.previewer.preview(cluster, peer, body.command);
      if (preview.status !== 200) throw new HttpException(preview.answer, preview.status);
      if (body.record === true && preview.answer.result === 0) {
        await this.previewer.record(cluster, peer, caller?.name ?? 'anonymous', body.why, preview.answer);
      }
      return preview.answer;
    }
    const outcome = await this.commands.handle({ cluster, peer, ...body }, caller);
    if ('error' in outcome)
      throw new HttpException(
        { result: 1, text: outcome.error },
        outcome.status ?? (outcome.unknownPeer ? 404 : 400),
      );
    return outcome.commandId === null
      ? outcome.response
      : { commandId: outcome.commandId, ...outcome.response };
  }

  /** Every command: who sent what to which peer, why, and how it ended; filtered and paged. */
  @Get('commands')
  @ApiOkResponse({ standardSchema: CommandsResponse })
  @ApiBadRequestResponse({ standardSchema: ErrorBody })
  async list(@Query({ schema: CommandsQuery }) query: CommandsQuery) {
    const { since, until, ...filter } = query;
    const { total, commands } = await this.commands.list({ ...filter, sinceMs: since, untilMs: until });
    return { total, offset: query.offset, limit: query.limit, commands };
  }

  /** The command, its outcome and every event it caused. */
  @ApiOkResponse({ standardSchema: CommandRecordResponse })
  @ApiNotFoundResponse({ standardSchema: ErrorBody })
  @Get('commands/:id')
  async commandRecord(@Param('id') id: string) {
    const record = await this.commands.find(id);
    if (record.issued === null) throw new HttpException({ error: `no command ${id}` }, 404);
    return record;
  }
}
