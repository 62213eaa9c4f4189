import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../tools/harness/coordinator-process';
import { NatsServer } from '../tools/harness/nats-server';
import { startNatsCluster } from '../tools/harness/nats-cluster';
import { PostgresServer } from '../tools/harness/postgres-server';
import { PeerPair } from '../tools/harness/peer-cluster';
import { endOwnedOnSignal, sleep, waitFor } from '../tools/harness/processes';
import { Chaos } from './chaos';
import { checkAll } from './checker';
import { ClientLoad } from './load';

const USAGE =
  'usage: npm run soak -- --minutes N [--pairs N] [--store sqlite|postgres] [--coordinators N] [--nats-nodes 1|3]';

/** Fast enough for failovers to happen many times a minute; Kea's own rules otherwise. */
const TIMING = {
  'heartbeat-delay': 500,
  'max-response-delay': 2_000,
  'max-ack-delay': 500,
  'max-unacked-clients': 0,
};

function option(argv: string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number\n${USAGE}`);
  return value;
}

function choice<T extends string>(argv: string[], name: string, values: readonly T[]): T {
  const index = argv.indexOf(name);
  if (index < 0) return values[0];
  const value = argv[index + 1] as T;
  if (!values.includes(value)) throw new Error(`${name} must be one of ${values.join(', ')}\n${USAGE}`);
  return value;
}

const HELP = `${USAGE}
  --minutes N        minutes of load and faults (default 2)
  --pairs N          peer pairs (default 2)
  --store KIND       the coordinators' event store: sqlite (default) or postgres (a PostgreSQL the run starts)
  --coordinators N   coordinators at once on the one store (default 1; more than 1 needs --store postgres)
  --nats-nodes N     1 (default) or a 3-node NATS cluster with 3 replicas of the events stream
`;

/**
 * \`npm run soak -- --minutes N\`: pairs under client load on loopback, with random kill -9 of peers, of a
 * coordinator and of a nats-server, and paused peers continued; then everything is brought back, settled
 * and checked. Exits 0 when every check passes, 1 when one fails. Bounded: N minutes of chaos, then at
 * most a few minutes to settle.
 */
async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(HELP);
    return 0;
  }
  // An option mistyped must not start minutes of chaos with the defaults instead.
  const known: string[] = USAGE.match(/--[a-z-]+/g) ?? [];
  const unknown = argv.filter((arg) => arg.startsWith('--') && !known.includes(arg));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(', ')}\n${USAGE}`);
  const minutes = option(argv, '--minutes', 2);
  const pairCount = option(argv, '--pairs', 2);
  const store = choice(argv, '--store', ['sqlite', 'postgres'] as const);
  const coordinatorCount = option(argv, '--coordinators', 1);
  const natsNodes = Number(choice(argv, '--nats-nodes', ['1', '3'] as const));
  if (coordinatorCount > 1 && store !== 'postgres')
    throw new Error(`several coordinators share one log on PostgreSQL only: add --store postgres\n${USAGE}`);
  const dir = mkdtempSync(join(tmpdir(), 'haco-soak-'));
  const nats = natsNodes === 1 ? [await NatsServer.start()] : await startNatsCluster(natsNodes);
  const natsUrls = nats.map((n) => n.url);
  const postgres = store === 'postgres' ? await PostgresServer.start() : null;
  const database = postgres === null ? join(dir, 'events.sqlite') : await postgres.createDatabase('haco');
  const coordinators = await Promise.all(
    Array.from({ length: coordinatorCount }, () =>
      // The soak's API token is named soak: the commands it sends are recorded as soak's.
      CoordinatorProcess.start(natsUrls.join(','), database, {
        HACO_EVENTS_REPLICAS: String(natsNodes),
        HACO_API_TOKEN_NAME: 'soak',
      }),
    ),
  );
  const coordinator = coordinators[0];
  const pairs = Array.from(
    { length: pairCount },
    () =>
      new PeerPair(nats[0], {
        settings: TIMING,
        archive: true,
        natsServers: natsUrls,
        pausing: { server1: { 'partner-down': 'always' }, server2: { ready: 'once' } },
      }),
  );
  const load = new ClientLoad(
    () => pairs[0].connection(),
    pairs.map((p) => p.cluster),
  );
  const chaos = new Chaos(nats, coordinators, pairs);
  const started = new Date();
  try {
    pairs.forEach((p) => p.startBoth());
    await settle(chaos, pairs);
    process.stderr.write(
      `soak: ${pairCount} pairs in load-balancing; ${coordinatorCount} coordinator(s) on ${store}, ${natsNodes} NATS node(s); ${minutes} min of load and faults\n`,
    );
    load.start();
    chaos.start();
    await sleep(minutes * 60_000);
    await chaos.stop();
    process.stderr.write('soak: faults stopped; settling\n');
    await settle(chaos, pairs);
    await sleep(2_000);
    load.stop();
    await sleep(2_500);
    // Peers stop cleanly (their outboxes fully published), then the coordinator must hold all of it.
    for (const pair of pairs) {
      for (const name of ['server1', 'server2']) {
        await waitFor(
          `${pair.cluster}/${name} outbox published`,
          async () => {
            const outbox = pair.outboxState(name);
            return outbox.publishedSeq === outbox.lastSeq ? true : undefined;
          },
          60_000,
        );
        await pair.processes.get(name)?.stop('SIGTERM');
      }
    }
    for (const pair of pairs) {
      for (const name of ['server1', 'server2']) {
        const { lastSeq } = pair.outboxState(name);
        await waitFor(
          `the coordinator to store ${pair.cluster}/${name}`,
          async () => {
            const view = await coordinator.get<{ lastSeq: number }>(`/peers/${pair.cluster}/${name}`);
            return view.lastSeq >= lastSeq ? true : undefined;
          },
          60_000,
        );
      }
    }
    const checks = await checkAll(coordinator, pairs, load.queries, chaos.commandIds);
    // Every replica serves the same picture of the log: the others' reads must equal the first one's.
    for (const other of coordinators.slice(1)) checks.push(await sameReads(coordinator, other, pairs));
    const report = {
      started: started.toISOString(),
      minutes,
      pairs: pairCount,
      store,
      coordinators: coordinatorCount,
      natsNodes,
      queries: load.queries.length,
      answers: Object.fromEntries(load.outcomes),
      faults: chaos.log,
      checks,
      passed: checks.every((c) => c.passed),
    };
    for (const c of checks) process.stdout.write(`${c.passed ? 'PASS' : 'FAIL'}  ${c.name}: ${c.detail}\n`);
    const faults = (kind: string) => chaos.log.filter((a) => a.action.startsWith(kind)).length;
    process.stdout.write(
      `${load.queries.length} queries; kill -9: ${faults('kill -9 itest')} peers, ${faults('kill -9 coordinator')} coordinator, ${faults('kill -9 nats')} nats-server; ${faults('continue')} continues; ${chaos.commandIds.length} commands answered\n`,
    );
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    writeFileSync(join(__dirname, 'results', 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`soak ${report.passed ? 'passed' : 'FAILED'}; written: soak/results/latest.json\n`);
    return report.passed ? 0 : 1;
  } finally {
    load.stop();
    await chaos.stop();
    await Promise.all(pairs.map((p) => p.destroy()));
    await Promise.all(coordinators.map((c) => c.stop('SIGKILL')));
    await Promise.all(nats.map((n) => n.destroy()));
    await postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Two replicas answer the same peers, history and replay verification from the shared store. */
async function sameReads(
  first: CoordinatorProcess,
  other: CoordinatorProcess,
  pairs: readonly PeerPair[],
): Promise<{ name: string; passed: boolean; detail: string }> {
  const differences: string[] = [];
  for (const path of [
    ...pairs.map((p) => `/peers/${p.cluster}/server1`),
    ...pairs.map((p) => `/history?peer=${p.cluster}/server1&limit=10000`),
    '/commands?limit=10000',
    '/replay/verify',
  ]) {
    const [a, b] = await Promise.all([first.get(path), other.get(path)]);
    // A peer's view carries its liveness, judged at the moment of the request.
    const strip = (value: unknown) =>
      JSON.stringify(value, (key, v: unknown) => (key === 'statusSince' ? undefined : v));
    if (strip(a) !== strip(b)) differences.push(path);
  }
  return {
    name: `coordinator ${first.url} and ${other.url} serve the same reads`,
    passed: differences.length === 0,
    detail:
      differences.length === 0 ? 'peers, history, commands, replay verification' : differences.join(', '),
  };
}

/** Every process up, paused peers continued, until every pair is in load-balancing. */
async function settle(chaos: Chaos, pairs: readonly PeerPair[]): Promise<void> {
  for (const pair of pairs) {
    for (const name of ['server1', 'server2']) if (!pair.processes.get(name)?.running) pair.start(name);
  }
  await waitFor(
    'every pair in load-balancing',
    async () => {
      await chaos.continuePaused(1);
      for (const pair of pairs) {
        for (const name of ['server1', 'server2']) {
          const status = await pair.status(name).catch(() => null);
          if (status === null || status.state !== 'load-balancing' || status.paused) return undefined;
        }
      }
      return true;
    },
    180_000,
  );
}

endOwnedOnSignal();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`soak: ${error.message}\n`);
    process.exit(2);
  },
);
