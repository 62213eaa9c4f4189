import { ContinuePreviewer } from './continue-previewer';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { notSupported } from './not-supported';
import { SpeaksKea } from '../common/error-body.filter';
import { isHaCommand } from '@haco/ha-core';
import { Access } from '../auth/access.decorator';
import { Caller } from '../auth/caller.decorator';
import type { Principal } from '../auth/roles';
import { commandAccess } from './command-access';
import type { KeaResponse } from '@haco/ha-core';
import { CommandService } from './command.service';
import type { FleetPeer } from '../store/fleet-view';
import { FleetView } from '../store/fleet-view';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse } from '@nestjs/swagger';
import { KeaAnswer, KeaAnswers, KeaRequest } from '../common/responses';

/** A peer that does not answer the fleet's status-get this soon is shown as the log knows it. */
const OVERVIEW_TIMEOUT_MS = 2_000;

/** Routing keys haco adds to Kea's arguments: they name the peer and the operator, and are not forwarded. */
const ROUTING_KEYS = ['cluster', 'peer', 'who', 'onBehalfOf', 'why', 'guard', 'dryRun'];

/**
 * Kea's control channel on the coordinator: `{"command", "service"?, "arguments"?}`. HA commands go to the
 * peer named by `arguments.cluster` and `arguments.peer` through the audited command path; status-get
 * without a peer reports every peer. With `service` the answer is a list, as kea-ctrl-agent answers.
 */
@Controller()
export class KeaController {
  constructor(
    @Inject(CommandService) private readonly commands: CommandService,
    @Inject(FleetView) private readonly fleet: FleetView,
    @Inject(ContinuePreviewer) private readonly previewer: ContinuePreviewer,
  ) {}

  @ApiBearerAuth()
  @ApiOkResponse({ standardSchema: KeaAnswers })
  @ApiBadRequestResponse({ standardSchema: KeaAnswer })
  @Post()
  @SpeaksKea()
  @HttpCode(200)
  @Access(commandAccess)
  async control(
    @Body({ schema: KeaRequest }) request: KeaRequest,
    @Caller() caller: Principal | null,
  ): Promise<KeaResponse | KeaResponse[]> {
    const wrap = (response: KeaResponse) => (request.service === undefined ? response : [response]);
    const name = request.command;
    const args = (
      typeof request.arguments === 'object' && request.arguments !== null ? request.arguments : {}
    ) as Record<string, unknown>;
    const cluster = args['cluster'];
    const peer = args['peer'];
    if (name === 'status-get' && peer === undefined) return wrap(await this.overview());
    if (typeof cluster !== 'string' || typeof peer !== 'string') {
      // Naming no peer, a name no peer supports is Kea's result 2, and there is nothing to record it in.
      return wrap(
        isHaCommand(name)
          ? { result: 1, text: `'${name}' needs 'cluster' and 'peer' in its arguments to name the peer` }
          : notSupported(name),
      );
    }
    // A dry run is answered here, never forwarded: the peer would take the release as a real one.
    if (args['dryRun'] === true) return wrap((await this.previewer.preview(cluster, peer, name)).answer);
    const forwarded = Object.fromEntries(Object.entries(args).filter(([key]) => !ROUTING_KEYS.includes(key)));
    const input = {
      cluster,
      peer,
      command: name,
      ...(request.arguments === undefined ? {} : { arguments: forwarded }),
      ...(typeof args['who'] === 'string' ? { who: args['who'] } : {}),
      ...(typeof args['onBehalfOf'] === 'string' ? { onBehalfOf: args['onBehalfOf'] } : {}),
      why: typeof args['why'] === 'string' ? args['why'] : '',
      guard: typeof args['guard'] === 'string' ? args['guard'] : null,
    };
    const outcome = await this.commands.handle(input, caller);
    return wrap('error' in outcome ? { result: 1, text: outcome.error } : outcome.response);
  }

  /**
   * status-get for the whole coordinator: per peer, Kea's whole HA section as the peer itself answers
   * status-get (`remote` and its failover progress included), a read that records nothing, with haco's
   * paused flag; a peer that does not answer gets the section the log knows, marked `unreachable`.
   */
  private async overview(): Promise<KeaResponse> {
    const peers = await this.fleet.peers();
    const sections = await Promise.all(peers.map((p) => this.sectionOf(p)));
    return { result: 0, arguments: { 'high-availability': sections } };
  }

  private async sectionOf(p: FleetPeer): Promise<Record<string, unknown>> {
    const marks = { paused: p.paused, ...(p.disputed === null ? {} : { disputed: p.disputed }) };
    const answered = await this.commands.read(
      { cluster: p.cluster, peer: p.peer, command: 'status-get' },
      OVERVIEW_TIMEOUT_MS,
    );
    const section = 'error' in answered ? undefined : ownSection(answered.response);
    if (section !== undefined) {
      const servers = section['ha-servers'] as { local?: Record<string, unknown> } | undefined;
      return {
        cluster: p.cluster,
        ...section,
        // Kea 2.2's local section does not name its server; the fleet's answer does, beside the cluster.
        'ha-servers': { ...servers, local: { 'server-name': p.peer, ...servers?.local, ...marks } },
      };
    }
    return {
      cluster: p.cluster,
      'ha-mode': p.mode,
      'ha-servers': {
        local: { 'server-name': p.peer, role: p.role, scopes: p.scopes, state: p.state, ...marks },
      },
      unreachable: true,
    };
  }
}

/** The peer's own HA section of its status-get answer, when it answered one. */
function ownSection(response: KeaResponse): Record<string, unknown> | undefined {
  if (response.result !== 0) return undefined;
  const sections = (response.arguments as { 'high-availability'?: unknown } | undefined)?.[
    'high-availability'
  ];
  return Array.isArray(sections) && typeof sections[0] === 'object' && sections[0] !== null
    ? (sections[0] as Record<string, unknown>)
    : undefined;
}
