import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { HA_COMMANDS, isHaCommand, isReadOnly } from '@haco/ha-core';
import type { AccessLevel } from '../common/access.decorator';
import { Access } from '../common/access.decorator';
import type { KeaResponse } from '@haco/ha-core';
import { CommandService } from './command.service';
import type { Projections } from '@haco/event-store';
import { PROJECTIONS } from '../common/tokens';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import { KeaAnswer, KeaAnswers, KeaRequest } from '../common/responses';

/** status-get and ha-heartbeat (and commands no peer supports) read; every other HA command changes. */
function keaCommandAccess(body: unknown): AccessLevel {
  const name = (body as { command?: unknown } | null)?.command;
  if (typeof name !== 'string' || !isHaCommand(name) || isReadOnly(name)) return 'read';
  return 'change';
}

/** Routing keys haco adds to Kea's arguments: they name the peer and the operator, and are not forwarded. */
const ROUTING_KEYS = ['cluster', 'peer', 'who', 'why', 'guard'];

/**
 * Kea's control channel on the coordinator: `{"command", "service"?, "arguments"?}`. HA commands go to the
 * peer named by `arguments.cluster` and `arguments.peer` through the audited command path; status-get
 * without a peer reports every peer. With `service` the answer is a list, as kea-ctrl-agent answers.
 */
@Controller()
export class KeaController {
  constructor(
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(PROJECTIONS) private readonly projections: Projections,
  ) {}

  @ApiBearerAuth()
  @ApiOkResponse({ standardSchema: KeaAnswers })
  @ApiBadRequestResponse({ standardSchema: KeaAnswer })
  @Post()
  @HttpCode(200)
  @Access(keaCommandAccess)
  async control(@Body({ schema: KeaRequest }) request: KeaRequest): Promise<KeaResponse | KeaResponse[]> {
    const wrap = (response: KeaResponse) => (request.service === undefined ? response : [response]);
    const name = request.command;
    if (!(HA_COMMANDS as readonly string[]).includes(name)) {
      return wrap({ result: 2, text: `'${name}' command not supported.` });
    }
    const args = (
      typeof request.arguments === 'object' && request.arguments !== null ? request.arguments : {}
    ) as Record<string, unknown>;
    const cluster = args['cluster'];
    const peer = args['peer'];
    if (name === 'status-get' && peer === undefined) return wrap(await this.overview());
    if (typeof cluster !== 'string' || typeof peer !== 'string') {
      return wrap({
        result: 1,
        text: `'${name}' needs 'cluster' and 'peer' in its arguments to name the peer`,
      });
    }
    const forwarded = Object.fromEntries(Object.entries(args).filter(([key]) => !ROUTING_KEYS.includes(key)));
    const outcome = await this.commands.issue({
      cluster,
      peer,
      command: name,
      ...(request.arguments === undefined ? {} : { arguments: forwarded }),
      who: typeof args['who'] === 'string' ? args['who'] : 'kea-api',
      why: typeof args['why'] === 'string' ? args['why'] : '',
      guard: typeof args['guard'] === 'string' ? args['guard'] : null,
    });
    return wrap('error' in outcome ? { result: 1, text: outcome.error } : outcome.response);
  }

  /** status-get for the whole coordinator: one HA section per peer, with haco's paused flag. */
  private async overview(): Promise<KeaResponse> {
    const peers = await this.projections.peers();
    return {
      result: 0,
      arguments: {
        'high-availability': peers.map((p) => ({
          cluster: p.cluster,
          'ha-mode': p.mode,
          'ha-servers': {
            local: {
              'server-name': p.peer,
              role: p.role,
              scopes: p.scopes,
              state: p.state,
              paused: p.paused,
            },
          },
        })),
      },
    };
  }
}
