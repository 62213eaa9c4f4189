import { Body, Controller, Get, HttpException, Inject, Param, Post } from '@nestjs/common';
import { Access } from '../common/access.decorator';
import { CommandService } from './command.service';

/** An operator command: Kea's JSON plus who, why and (for ha-continue) the guard. Validated by the service. */
interface CommandBody {
  readonly command?: unknown;
  readonly arguments?: unknown;
  readonly who?: unknown;
  readonly why?: unknown;
  readonly guard?: unknown;
}

@Controller()
export class CommandsController {
  constructor(@Inject(CommandService) private readonly commands: CommandService) {}

  /** The peer's Kea answer comes back once the outcome is in the log. */
  @Post('peers/:cluster/:peer/commands')
  @Access('change')
  async command(@Param('cluster') cluster: string, @Param('peer') peer: string, @Body() body: CommandBody) {
    const outcome = await this.commands.issue({
      cluster,
      peer,
      request: {
        command: body.command,
        ...(body.arguments === undefined ? {} : { arguments: body.arguments }),
      },
      who: body.who as string,
      why: (body.why ?? '') as string,
      guard: body.guard as string | null | undefined,
    });
    if ('error' in outcome) throw new HttpException({ result: 1, text: outcome.error }, 400);
    return { commandId: outcome.commandId, ...outcome.response };
  }

  /** The command, its outcome and every event it caused. */
  @Get('commands/:id')
  async commandRecord(@Param('id') id: string) {
    const record = await this.commands.find(id);
    if (record.issued === null) throw new HttpException({ error: `no command ${id}` }, 404);
    return record;
  }
}
