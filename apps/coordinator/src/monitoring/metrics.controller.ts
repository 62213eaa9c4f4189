import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { INGEST_CONSUMER } from '@haco/nats';
import { COMMANDS_STREAM, EVENTS_STREAM } from '@haco/contracts';
import { HA_STATES } from '@haco/ha-core';
import type { EventStore } from '@haco/event-store';
import { IngestStats } from '../ingest/ingest-stats';
import type { Projections } from '@haco/event-store';
import { EVENT_STORE, NATS_CONNECTION, PROJECTIONS } from '../common/tokens';
import { RefusalCounter } from './refusal-counter';

type Labels = Record<string, string>;

/** Prometheus label values escape backslash, quote and newline. */
const label = (labels: Labels) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')}}`;

class Exposition {
  private readonly lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter', help: string, samples: [Labels, number][]): void {
    this.lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      this.lines.push(
        `${name}${Object.keys(labels).length > 0 ? label(labels) : ''} ${Number.isFinite(value) ? value : 'NaN'}`,
      );
    }
  }

  toString(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

/** Prometheus text exposition of what monitoring systems watch: states, pauses, heartbeats, ingest. */
@Controller()
export class MetricsController {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IngestStats) private readonly ingest: IngestStats,
    @Inject(RefusalCounter) private readonly refusals: RefusalCounter,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const now = Date.now();
    const peers = await this.projections.peers();
    const out = new Exposition();
    const who = (p: { cluster: string; peer: string }) => ({ cluster: p.cluster, peer: p.peer });
    out.family(
      'haco_peer_state',
      'gauge',
      'HA state of each peer: 1 for the state it is in, 0 for the others.',
      peers.flatMap((p) =>
        HA_STATES.map((state): [Labels, number] => [{ ...who(p), state }, p.state === state ? 1 : 0]),
      ),
    );
    out.family(
      'haco_peer_paused',
      'gauge',
      'Whether the peer\u2019s state machine is paused.',
      peers.map((p) => [who(p), p.paused ? 1 : 0]),
    );
    out.family(
      'haco_peer_state_seconds',
      'gauge',
      'Seconds the peer has been in its current state.',
      peers.map((p) => [who(p), p.stateSince === null ? NaN : (now - Date.parse(p.stateSince)) / 1000]),
    );
    out.family(
      'haco_peer_transitions_total',
      'counter',
      'State transitions of the peer.',
      peers.map((p) => [who(p), p.transitions]),
    );
    out.family(
      'haco_peer_heartbeat_age_seconds',
      'gauge',
      'Seconds since the peer last recorded a heartbeat outcome.',
      peers.map((p) => [
        who(p),
        p.lastHeartbeatAt === null ? NaN : (now - Date.parse(p.lastHeartbeatAt)) / 1000,
      ]),
    );
    out.family('haco_commands_total', 'counter', 'Operator commands by outcome.', await this.commandCounts());
    const pending = await this.pendingMessages();
    out.family(
      'haco_ingest_pending_messages',
      'gauge',
      'Events in JetStream not yet committed to the store.',
      [[{}, pending]],
    );
    out.family(
      'haco_ingest_lag_seconds',
      'gauge',
      'Seconds since the last commit while events are waiting (0 when nothing waits).',
      [[{}, pending > 0 && this.ingest.lastCommitAt !== null ? (now - this.ingest.lastCommitAt) / 1000 : 0]],
    );
    out.family('haco_events_stored_total', 'counter', 'Events in the store.', [
      [{}, await this.store.countEvents()],
    ]);
    out.family('haco_dead_letters_total', 'counter', 'Messages refused into the dead-letter table.', [
      [{}, (await this.store.deadLetters(1))[0]?.id ?? 0],
    ]);
    out.family(
      'haco_http_requests_refused_total',
      'counter',
      'HTTP requests answered 4xx (bad input, auth, not found), by status, since the coordinator started.',
      [...this.refusals.byStatus].map(([status, n]) => [{ status: String(status) }, n]),
    );
    return out.toString();
  }

  private async commandCounts(): Promise<[Labels, number][]> {
    const counts = new Map<string, number>();
    for (const event of await this.store.readStream(COMMANDS_STREAM)) {
      if (event.type === 'CommandIssued') continue;
      counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    }
    return [...counts].map(([type, n]) => [{ outcome: type.replace(/^Command/, '').toLowerCase() }, n]);
  }

  private async pendingMessages(): Promise<number> {
    try {
      const jsm = await jetstreamManager(this.nc);
      const info = await jsm.consumers.info(EVENTS_STREAM, INGEST_CONSUMER);
      return info.num_pending + info.num_ack_pending;
    } catch {
      return NaN;
    }
  }
}
