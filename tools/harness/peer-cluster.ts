import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EVENTS_STREAM } from '@haco/contracts';
import type { NatsServer } from './nats-server';
import { OwnedProcess, waitFor } from './processes';
import { PROJECT_ROOT } from './project-root';

let pairCount = 0;
/** Debian's libfaketime (package faketime): a process's wall clock shifted, its timers untouched. */
const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const PEER_MAIN = join(PROJECT_ROOT, 'apps', 'peer', 'src', 'main.ts');

export interface PairOptions {
  readonly mode?: 'load-balancing' | 'hot-standby' | 'passive-backup';
  readonly settings?: Record<string, unknown>;
  /** NATS URLs the peers connect to (a cluster); the one server's by default. */
  readonly natsServers?: readonly string[];
  /** Keep every envelope each peer emitted (outbox archive), for checkers that compare against it. */
  readonly archive?: boolean;
  /** `state-machine` pausing per server name. */
  readonly pausing?: Record<string, Record<string, 'always' | 'once' | 'never'>>;
  /** Each peer's `url` (Kea's HA channel, served when a partner is a real Kea server). */
  readonly urls?: Partial<Record<'server1' | 'server2', string>>;
  /** Each peer entry's basic-auth-user and -password. */
  readonly basicAuth?: Partial<Record<'server1' | 'server2', { user: string; password: string }>>;
  /** Per server name, its partners that are real Kea servers (`kea-partners`). */
  readonly keaPartners?: Partial<Record<'server1' | 'server2', string[]>>;
  /** More top-level settings of a peer's file (its hooks, say). */
  readonly extra?: Partial<Record<'server1' | 'server2', Record<string, unknown>>>;
}

export interface StoredEnvelope {
  id: string;
  seq: number;
  type: string;
  at: string;
  causationId: string | null;
  data: Record<string, unknown>;
}

export type KeaAnswer = { result: number; text?: string; arguments?: Record<string, unknown> };

/** Two real peer processes (server1 primary, server2 secondary or standby) on a real nats-server. */
export class PeerPair {
  readonly processes = new Map<string, OwnedProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'haco-pair-'));
  private client: NatsConnection | null = null;
  /** Each pair is its own cluster, so that its subjects and events never mix with another test's. */
  readonly cluster = `itest-${process.pid}-${(pairCount += 1)}`;

  constructor(
    private readonly nats: NatsServer,
    private readonly options: PairOptions = {},
  ) {}

  static readonly TIMING = { 'heartbeat-delay': 300, 'max-response-delay': 1000, 'max-ack-delay': 500 };

  dataDir(name: string): string {
    return join(this.dir, 'data', name);
  }

  /** The last sequence number the peer recorded, and how far JetStream acknowledged, from its outbox. */
  outboxState(name: string): { lastSeq: number; publishedSeq: number } {
    const events = readFileSync(join(this.dataDir(name), 'events.jsonl'), 'utf8')
      .trim()
      .split('\n');
    const lastSeq = (JSON.parse(events[events.length - 1]) as { seq: number }).seq;
    const publishedSeq = Number(readFileSync(join(this.dataDir(name), 'published.seq'), 'utf8').trim());
    return { lastSeq, publishedSeq };
  }

  configFile(name: string): string {
    const mode = this.options.mode ?? 'load-balancing';
    const peers = [
      { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
      {
        name: 'server2',
        url: 'http://127.0.0.1:8002/',
        role: mode === 'hot-standby' ? 'standby' : mode === 'passive-backup' ? 'backup' : 'secondary',
      },
    ].map((peer) => {
      const name = peer.name as 'server1' | 'server2';
      const auth = this.options.basicAuth?.[name];
      return {
        ...peer,
        url: this.options.urls?.[name] ?? peer.url,
        ...(auth === undefined ? {} : { 'basic-auth-user': auth.user, 'basic-auth-password': auth.password }),
      };
    });
    const keaPartners = this.options.keaPartners?.[name as 'server1' | 'server2'];
    const pausing = this.options.pausing?.[name] ?? {};
    const file = join(this.dir, `${name}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        cluster: this.cluster,
        nats: { servers: this.options.natsServers ?? [this.nats.url] },
        'data-dir': this.dataDir(name),
        ...(this.options.archive ? { 'outbox-archive': true } : {}),
        ...(keaPartners === undefined ? {} : { 'kea-partners': keaPartners }),
        ...this.options.extra?.[name as 'server1' | 'server2'],
        'high-availability': [
          {
            'this-server-name': name,
            mode,
            ...PeerPair.TIMING,
            ...this.options.settings,
            'state-machine': { states: Object.entries(pausing).map(([state, pause]) => ({ state, pause })) },
            peers,
          },
        ],
      }),
    );
    return file;
  }

  /**
   * Starts a peer. `clockOffset` (libfaketime's, e.g. "-1h") runs it with its wall clock that far off,
   * through Debian's libfaketime preloaded into the peer's own process (the faketime command would fork,
   * and the pid a test kills would not be the peer's); its timers keep the real monotonic clock. `env`
   * adds to the peer's environment.
   */
  start(name: string, options: { clockOffset?: string; env?: Record<string, string> } = {}): OwnedProcess {
    const args = ['--config', this.configFile(name)];
    const skewed: Record<string, string> =
      options.clockOffset === undefined
        ? {}
        : { LD_PRELOAD: LIBFAKETIME, FAKETIME: options.clockOffset, DONT_FAKE_MONOTONIC: '1' };
    const process = OwnedProcess.startTs(PEER_MAIN, args, PROJECT_ROOT, { ...skewed, ...options.env });
    this.processes.set(name, process);
    return process;
  }

  startBoth(): void {
    this.start('server1');
    this.start('server2');
  }

  async connection(): Promise<NatsConnection> {
    this.client ??= await connect({
      servers: [...(this.options.natsServers ?? [this.nats.url])],
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    return this.client;
  }

  async command(name: string, command: string, args?: unknown): Promise<KeaAnswer> {
    const nc = await this.connection();
    const reply = await nc.request(
      `haco.${this.cluster}.${name}.cmd`,
      JSON.stringify({ command, ...(args === undefined ? {} : { arguments: args }) }),
      { timeout: 5_000 },
    );
    return JSON.parse(new TextDecoder().decode(reply.data)) as KeaAnswer;
  }

  /** The peer's state and paused flag, from status-get (haco adds `paused` to Kea's local section). */
  async status(name: string): Promise<{ state: string; paused: boolean; scopes: string[] }> {
    const answer = await this.command(name, 'status-get');
    const section = (
      answer.arguments?.['high-availability'] as { 'ha-servers': { local: Record<string, unknown> } }[]
    )[0];
    const local = section['ha-servers'].local;
    return {
      state: local['state'] as string,
      paused: local['paused'] as boolean,
      scopes: local['scopes'] as string[],
    };
  }

  async waitForState(name: string, state: string, paused?: boolean, timeoutMs = 20_000): Promise<void> {
    await waitFor(
      `${name} in ${state}${paused === undefined ? '' : paused ? ' (paused)' : ' (running)'}`,
      async () => {
        const status = await this.status(name);
        return status.state === state && (paused === undefined || status.paused === paused)
          ? true
          : undefined;
      },
      timeoutMs,
    );
  }

  /**
   * Every event envelope JetStream holds for a peer, in stream order. Peers publish batches; a batch cut
   * differently after a restart may repeat envelopes JetStream already holds, which appear once here (the
   * coordinator deduplicates them the same way, by id).
   */
  async storedEvents(name: string): Promise<StoredEnvelope[]> {
    const nc = await this.connection();
    const jsm = await jetstreamManager(nc);
    const subject = `haco.${this.cluster}.${name}.events`;
    const info = await jsm.streams.info(EVENTS_STREAM);
    const envelopes: StoredEnvelope[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq += 1) {
      const message = await jsm.streams.getMessage(EVENTS_STREAM, { seq }).catch(() => null);
      if (message?.subject !== subject) continue;
      const body = message.json<StoredEnvelope | StoredEnvelope[]>();
      envelopes.push(...(Array.isArray(body) ? body : [body]));
    }
    const seen = new Set<string>();
    return envelopes.filter((e) => !seen.has(e.id) && seen.add(e.id));
  }

  /** Stops every peer by pid, closes the client and removes the pair's files. */
  async destroy(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop('SIGKILL')));
    await this.client?.close().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
