import { Body, Controller, Get, Headers, HttpException, Inject, Param, Post, Query } from '@nestjs/common';
import { streamId } from '@haco/contracts';
import type { CommandService } from '../commands/command-service';
import type { Projections } from '../projections/projections';
import { COMMANDS, EVENT_STORE, PROJECTIONS, SETTINGS } from '../tokens';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { authorize } from './auth';
import type { EventStore } from '@haco/event-store';

interface CommandBody {
  readonly command?: unknown;
  readonly arguments?: unknown;
  readonly who?: unknown;
  readonly why?: unknown;
  readonly guard?: unknown;
}

@Controller()
export class PeersController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(COMMANDS) private readonly commands: CommandService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SETTINGS) private readonly settings: CoordinatorSettings,
  ) {}

  @Get('clusters')
  async clusters(@Headers('authorization') auth?: string) {
    authorize(this.settings, auth, 'read');
    const byCluster = new Map<string, { peers: string[]; paused: string[] }>();
    for (const view of await this.projections.peers()) {
      const cluster = byCluster.get(view.cluster) ?? { peers: [], paused: [] };
      cluster.peers.push(view.peer);
      if (view.paused) cluster.paused.push(view.peer);
      byCluster.set(view.cluster, cluster);
    }
    return { clusters: [...byCluster].map(([name, c]) => ({ name, ...c })) };
  }

  @Get('peers')
  async peers(@Headers('authorization') auth?: string) {
    authorize(this.settings, auth, 'read');
    return { peers: await this.projections.peers() };
  }

  @Get('peers/:cluster/:peer')
  async peer(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Headers('authorization') auth?: string,
    @Query('at') at?: string,
  ) {
    authorize(this.settings, auth, 'read');
    if (at !== undefined && Number.isNaN(Date.parse(at)))
      throw new HttpException({ error: "'at' must be an ISO 8601 time" }, 400);
    const view = await this.projections.peer(streamId(cluster, peer), at);
    if (view === null)
      throw new HttpException({ error: `no events of ${cluster}/${peer}${at ? ` up to ${at}` : ''}` }, 404);
    return view;
  }

  @Get('peers/:cluster/:peer/history')
  async history(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Headers('authorization') auth?: string,
  ) {
    authorize(this.settings, auth, 'read');
    const { transitions } = await this.projections.history({
      streams: [streamId(cluster, peer)],
      limit: -1,
      offset: 0,
    });
    return { transitions };
  }

  /** Kea JSON plus who and why; the peer's Kea answer comes back once the outcome is in the log. */
  @Post('peers/:cluster/:peer/commands')
  async command(
    @Param('cluster') cluster: string,
    @Param('peer') peer: string,
    @Body() body: CommandBody,
    @Headers('authorization') auth?: string,
  ) {
    authorize(this.settings, auth, 'change');
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

  /** Streams with events held back behind a gap: never papered over, always shown. */
  @Get('gaps')
  async gaps(@Headers('authorization') auth?: string) {
    authorize(this.settings, auth, 'read');
    return { gaps: await this.store.heldBack() };
  }

  @Get('dead-letters')
  async deadLetters(@Headers('authorization') auth?: string, @Query('limit') limit?: string) {
    authorize(this.settings, auth, 'read');
    const count = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(count) || count < 1 || count > 10_000) {
      throw new HttpException({ error: "'limit' must be an integer from 1 to 10000" }, 400);
    }
    return { deadLetters: await this.store.deadLetters(count) };
  }

  @Get('commands/:id')
  async commandRecord(@Param('id') id: string, @Headers('authorization') auth?: string) {
    authorize(this.settings, auth, 'read');
    const record = await this.commands.find(id);
    if (record.issued === null) throw new HttpException({ error: `no command ${id}` }, 404);
    return record;
  }
}
