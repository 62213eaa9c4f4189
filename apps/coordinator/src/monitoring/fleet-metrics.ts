import type { OnModuleInit } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import type { EventStore } from '@haco/event-store';
import type { FleetPeer } from '../store/fleet-view';
import { FleetView } from '../store/fleet-view';
import { HA_STATES } from '@haco/ha-core';
import { EVENT_STORE } from '../common/tokens';
import { IngestStats } from '../ingest/ingest-stats';
import { HacoMetrics } from '../metrics/haco-metrics';
import { PEER_COUNTERS, PEER_GAUGES } from './peer-gauges';
import type { Backlog } from './jetstream-backlog';
import { BACKLOG_STALE_MS, JetStreamBacklog } from './jetstream-backlog';

const who = (p: FleetPeer) => ({ cluster: p.cluster, peer: p.peer });

/**
 * The series read off the fleet at scrape time: the peers' views (kept folded by the projections), the
 * store's counts and JetStream's backlog. MetricsController refreshes the snapshot before each scrape, so
 * that the views and the backlog are read once for all the series, not once per series.
 */
@Injectable()
export class FleetMetrics implements OnModuleInit {
  constructor(
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(FleetView) private readonly fleet: FleetView,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(JetStreamBacklog) private readonly backlog: JetStreamBacklog,
    @Inject(IngestStats) private readonly ingest: IngestStats,
  ) {}

  /** What one scrape reads of the fleet, read once for all its series (refresh, then collect). */
  private snapshot: { peers: readonly FleetPeer[]; backlog: Backlog | null; at: number } = {
    peers: [],
    backlog: null,
    at: 0,
  };

  /**
   * Reads the peers' views once, for every series of the scrape that follows, and the JetStream backlog
   * as last measured in the background: a scrape never waits on NATS.
   */
  async refresh(): Promise<void> {
    this.snapshot = { peers: await this.fleet.peers(), backlog: this.backlog.current, at: Date.now() };
  }

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const peers = () => this.snapshot.peers;
    for (const gauge of PEER_GAUGES) {
      new Gauge({
        name: gauge.name,
        help: gauge.help,
        labelNames: ['cluster', 'peer'],
        registers,
        collect() {
          this.reset();
          for (const p of peers()) {
            const sample = gauge.value(p);
            if (sample !== null) this.set(who(p), sample);
          }
        },
      });
    }
    new Gauge({
      name: 'haco_peer_state',
      help: 'HA state of each peer: 1 for the state it is in, 0 for the others (no series while its stream is disputed).',
      labelNames: ['cluster', 'peer', 'state'],
      registers,
      collect() {
        this.reset();
        for (const p of peers()) {
          // A disputed stream's state is not a fact: it is not asserted at all until an admin settles it.
          if (p.disputed !== null) continue;
          for (const state of HA_STATES) this.set({ ...who(p), state }, p.state === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'haco_peer_pause_configured',
      help: 'Each pause configured for the peer (state, always or once): 1 while still to come, 0 once a once-pause was used.',
      labelNames: ['cluster', 'peer', 'state', 'pause'],
      registers,
      collect() {
        this.reset();
        for (const p of peers())
          for (const pause of p.pauses)
            this.set({ ...who(p), state: pause.state, pause: pause.pause }, pause.ahead ? 1 : 0);
      },
    });
    new Counter({
      name: 'haco_peer_restarts_total',
      help: 'Restarts of the peer over its whole log: after a clean stop (kind="clean") or a crash (kind="crash").',
      labelNames: ['cluster', 'peer', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const p of peers()) {
          this.inc({ ...who(p), kind: 'clean' }, p.restarts.clean);
          this.inc({ ...who(p), kind: 'crash' }, p.restarts.crash);
        }
      },
    });
    for (const counter of PEER_COUNTERS) {
      new Counter({
        name: counter.name,
        help: counter.help,
        labelNames: ['cluster', 'peer'],
        registers,
        collect() {
          this.reset();
          for (const p of peers()) this.inc(who(p), counter.count(p));
        },
      });
    }
    this.storeAndIngest();
  }

  private storeAndIngest(): void {
    const registers = [this.metrics.registry];
    const { store, ingest } = this;
    const backlog = () => this.snapshot.backlog;
    const now = () => this.snapshot.at;
    new Gauge({
      name: 'haco_ingest_pending_messages',
      help: 'Messages in JetStream not yet committed to the store, as last measured (no sample before the first answer).',
      registers,
      collect() {
        this.reset();
        const last = backlog();
        if (last !== null) this.set(last.pending);
      },
    });
    new Gauge({
      name: 'haco_ingest_pending_measured_timestamp_seconds',
      help: 'When haco_ingest_pending_messages was measured (unix time).',
      registers,
      collect() {
        this.reset();
        const last = backlog();
        if (last !== null) this.set(last.measuredAt / 1000);
      },
    });
    new Gauge({
      name: 'haco_ingest_pending_stale',
      help: `1 when JetStream has not answered for the backlog in ${BACKLOG_STALE_MS / 1000} s (NATS unreachable or hung), else 0.`,
      registers,
      collect() {
        const last = backlog();
        this.set(last === null || now() - last.measuredAt > BACKLOG_STALE_MS ? 1 : 0);
      },
    });
    new Gauge({
      name: 'haco_ingest_lag_seconds',
      help: 'Seconds since the last commit while events are waiting (0 when nothing waits).',
      registers,
      collect() {
        const last = ingest.lastCommitAt;
        this.set((backlog()?.pending ?? 0) > 0 && last !== null ? (Date.now() - last) / 1000 : 0);
      },
    });
    new Counter({
      name: 'haco_events_stored_total',
      help: 'Events in the store.',
      registers,
      async collect() {
        this.reset();
        this.inc(await store.countEvents());
      },
    });
    new Counter({
      name: 'haco_dead_letters_total',
      help: 'Messages refused into the dead-letter table.',
      registers,
      async collect() {
        this.reset();
        this.inc((await store.deadLetters(1))[0]?.id ?? 0);
      },
    });
  }
}
