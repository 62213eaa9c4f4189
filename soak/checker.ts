import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '@haco/contracts';
import type { HaConfig } from '@haco/ha-core';
import { queryScope } from '@haco/ha-core';
import { readOutboxLines } from '@haco/nats';
import { CoordinatorProcess } from '../tools/harness/coordinator-process';
import type { PeerPair } from '../tools/harness/peer-cluster';
import type { QueryRecord } from './load';
import { checkCommandsOnce, recordedCommands } from './command-checks';

export interface Check {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

/** What the peer emitted, from its outbox and archive: every envelope once, in seq order. */
export function emittedEvents(dataDir: string): EventEnvelope[] {
  const read = (file: string) => (existsSync(file) ? readOutboxLines(readFileSync(file, 'utf8')) : []);
  const bySeq = new Map<number, EventEnvelope>();
  for (const e of [...read(join(dataDir, 'archive.jsonl')), ...read(join(dataDir, 'events.jsonl'))]) {
    const known = bySeq.get(e.seq);
    if (known !== undefined && known.id !== e.id)
      throw new Error(`${e.stream}#${e.seq} emitted twice with other ids`);
    bySeq.set(e.seq, e);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

type Stored = EventEnvelope & { position: number };

/** Every emitted event stored exactly once, in order, unchanged; nothing more. */
export function checkExactlyOnce(
  stream: string,
  emitted: readonly EventEnvelope[],
  stored: readonly Stored[],
): Check {
  const problems: string[] = [];
  emitted.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push(`emitted seq ${e.seq} at index ${i}`);
  });
  if (stored.length !== emitted.length) problems.push(`${emitted.length} emitted, ${stored.length} stored`);
  if (new Set(stored.map((e) => e.id)).size !== stored.length) problems.push('an id is stored twice');
  for (let i = 0; i < Math.min(stored.length, emitted.length) && problems.length < 5; i += 1) {
    const [s, e] = [stored[i], emitted[i]];
    if (s.seq !== i + 1) problems.push(`stored seq ${s.seq} at index ${i}`);
    if (i > 0 && s.position <= stored[i - 1].position) problems.push(`#${s.seq} stored out of order`);
    if (
      s.id !== e.id ||
      s.type !== e.type ||
      s.at !== e.at ||
      JSON.stringify(s.data) !== JSON.stringify(e.data)
    )
      problems.push(`#${e.seq} stored differs from what was emitted`);
  }
  return {
    name: `exactly once, in order: ${stream}`,
    passed: problems.length === 0,
    detail: problems.length === 0 ? `${stored.length} events` : problems.slice(0, 5).join('; '),
  };
}

interface Entered {
  readonly at: number;
  readonly state: string;
  readonly scopes: readonly string[];
}

/** When the peer entered each state and which scopes it served there, from its own stored log. */
export function servingTimeline(stored: readonly Stored[]): Entered[] {
  const timeline: Entered[] = [];
  for (const e of stored) {
    const data = e.data as { state?: string; scopes?: string[] };
    if (e.type === 'ServiceStarted') timeline.push({ at: Date.parse(e.at), state: 'waiting', scopes: [] });
    if (e.type === 'StateEntered')
      timeline.push({ at: Date.parse(e.at), state: data.state ?? '', scopes: data.scopes ?? [] });
  }
  return timeline;
}

/** The configuration a peer ran with, as its own log recorded it when it started. */
export function startedConfig(stored: readonly Stored[]): HaConfig | null {
  const started = stored.find((e) => e.type === 'ServiceStarted');
  return started === undefined ? null : (started.data as { config: HaConfig }).config;
}

/** A client's scope (a server name) by Kea's RFC 3074 hash, under a cluster's configuration. */
export type ScopeOf = (cluster: string, hwAddress: string) => string | null;

/** The entries in effect at some moment of [from, to]. */
function during(timeline: readonly Entered[], from: number, to: number): Entered[] {
  const before = timeline.filter((t) => t.at <= from);
  return [...before.slice(-1), ...timeline.filter((t) => t.at > from && t.at <= to)];
}

/** Timestamps are whole milliseconds taken by different processes: a query's window is widened by this. */
const CLOCK_SLACK_MS = 20;

/**
 * Scope safety: every answer is for a scope the answering peer's log says it served at that moment, and
 * a client served by both peers at once only while one of them was in partner-down (Kea's failover rule,
 * which replay verification shows each partner-down came from).
 */
export function checkScopes(
  queries: readonly QueryRecord[],
  timelines: ReadonlyMap<string, Entered[]>,
  scopeOf: ScopeOf,
): Check[] {
  const unexplained: string[] = [];
  const misplaced: string[] = [];
  const doubled: string[] = [];
  let served = 0;
  let servedByBoth = 0;
  for (const q of queries) {
    const servers = Object.entries(q.answers).filter(([, a]) => a.scope !== null);
    served += servers.length;
    for (const [peer, a] of servers) {
      const own = scopeOf(q.cluster, q.hwAddress);
      if (a.scope !== own)
        misplaced.push(
          `${q.cluster}/${peer} answered ${q.hwAddress} in ${a.scope}, its hash scope is ${own}`,
        );
      const window = during(
        timelines.get(`${q.cluster}/${peer}`) ?? [],
        q.sentAt - CLOCK_SLACK_MS,
        a.receivedAt + CLOCK_SLACK_MS,
      );
      if (!window.some((t) => t.scopes.includes(a.scope!)))
        unexplained.push(
          `${q.cluster}/${peer} served ${a.scope} for ${q.hwAddress} at ${new Date(q.sentAt).toISOString()}`,
        );
    }
    if (servers.length === 2) {
      servedByBoth += 1;
      const until = Math.max(...servers.map(([, a]) => a.receivedAt)) + CLOCK_SLACK_MS;
      const failover = servers.some(([peer]) =>
        during(timelines.get(`${q.cluster}/${peer}`) ?? [], q.sentAt - CLOCK_SLACK_MS, until).some(
          (t) => t.state === 'partner-down',
        ),
      );
      if (!failover)
        doubled.push(`${q.cluster}: ${q.hwAddress} served by both at ${new Date(q.sentAt).toISOString()}`);
    }
  }
  return [
    {
      name: 'every answer from a scope its peer served',
      passed: unexplained.length === 0,
      detail:
        unexplained.length === 0
          ? `${served} answers over ${queries.length} queries`
          : unexplained.slice(0, 5).join('; '),
    },
    {
      name: "every answer in the client's own scope (RFC 3074 hash)",
      passed: misplaced.length === 0,
      detail: misplaced.length === 0 ? `${served} answers` : misplaced.slice(0, 5).join('; '),
    },
    {
      name: 'no client served by both peers outside partner-down',
      passed: doubled.length === 0,
      detail:
        doubled.length === 0
          ? `${servedByBoth} queries served by both, each during a partner-down`
          : doubled.slice(0, 5).join('; '),
    },
  ];
}

/** Runs every check against the stopped pairs and the running coordinator. */
export async function checkAll(
  coordinator: CoordinatorProcess,
  pairs: readonly PeerPair[],
  queries: readonly QueryRecord[],
  commandIds: readonly string[] = [],
): Promise<Check[]> {
  const checks: Check[] = [];
  const timelines = new Map<string, Entered[]>();
  const configs = new Map<string, HaConfig>();
  for (const pair of pairs) {
    for (const name of ['server1', 'server2']) {
      const stream = `${pair.cluster}/${name}`;
      const response = await fetch(`${coordinator.url}/streams/${stream}/export`, {
        headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      });
      const stored = (await response.text())
        .trim()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Stored);
      checks.push(checkExactlyOnce(stream, emittedEvents(pair.dataDir(name)), stored));
      timelines.set(stream, servingTimeline(stored));
      const config = startedConfig(stored);
      if (name === 'server1' && config !== null) configs.set(pair.cluster, config);
    }
  }
  const scopeOf: ScopeOf = (cluster, hwAddress) => {
    const config = configs.get(cluster);
    return config === undefined ? null : queryScope(config, { hwAddress });
  };
  checks.push(...checkScopes(queries, timelines, scopeOf));
  checks.push(checkCommandsOnce(commandIds, await recordedCommands(coordinator)));
  const gaps = await coordinator.get<{ gaps: unknown[] }>('/gaps');
  checks.push({
    name: 'no gaps held back',
    passed: gaps.gaps.length === 0,
    detail: JSON.stringify(gaps.gaps).slice(0, 300),
  });
  const letters = await coordinator.get<{ deadLetters: { reason: string }[] }>('/dead-letters');
  checks.push({
    name: 'no dead letters',
    passed: letters.deadLetters.length === 0,
    detail:
      letters.deadLetters
        .map((d) => d.reason)
        .slice(0, 3)
        .join('; ') || 'none',
  });
  const verify = await coordinator.get<{
    verified: boolean;
    streams: { stream: string; verified: boolean; events: number; incompleteTail: number }[];
  }>('/replay/verify');
  const complete = verify.streams.every((s) => s.incompleteTail === 0);
  checks.push({
    name: 'replay verifies every stream',
    passed: verify.verified && complete && verify.streams.length >= pairs.length * 2,
    detail: verify.streams
      .map((s) => `${s.stream}: ${s.verified ? 'ok' : 'DIVERGED'} (${s.events})`)
      .join(', '),
  });
  // Every stream's hash chain, the coordinator's own included: kill -9s of peers and the coordinator
  // left no link that does not hold.
  const chains = await coordinator.get<{
    verified: boolean;
    firstBroken: { stream: string; seq: number; detail: string } | null;
    streams: { stream: string; events: number }[];
  }>('/audit/verify');
  checks.push({
    name: 'every hash chain holds',
    passed: chains.verified && chains.streams.length >= pairs.length * 2,
    detail:
      chains.firstBroken?.detail ??
      `${chains.streams.length} streams, ${chains.streams.reduce((n, s) => n + s.events, 0)} events`,
  });
  return checks;
}
