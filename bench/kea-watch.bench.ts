import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../tools/harness/coordinator-process';
import { NatsServer } from '../tools/harness/nats-server';
import { OwnedProcess, sleep, waitFor } from '../tools/harness/processes';
import { PROJECT_ROOT } from '../tools/harness/project-root';
import { cpuSeconds, percentile, round, rssMiB } from './measure';

export interface KeaWatchResult {
  readonly servers: number;
  readonly pollIntervalMs: number;
  readonly measuredSeconds: number;
  readonly watcherCpuPercent: number;
  readonly watcherRssMiB: number;
  readonly linesMeasured: number;
  readonly p50LineToCommitMs: number;
  readonly p99LineToCommitMs: number;
}

const WATCH_MAIN = join(PROJECT_ROOT, 'apps', 'kea-watch', 'src', 'main.ts');
const CLUSTER = 'bench-kea';

/** Kea's log layout, in local time as Kea writes it. */
const keaTime = (ms: number) =>
  new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().replace('T', ' ').replace('Z', '');

/**
 * A Kea-like control socket: status-get and config-get answered from canned JSON. A load generator for
 * the watcher, not a test of Kea's behaviour (the tests use real kea-dhcp4 servers).
 */
function fakeKea(socket: string, name: string): Server {
  const peers = [
    { name, url: 'http://127.0.0.1:1/', role: 'primary' },
    { name: `${name}-partner`, url: 'http://127.0.0.1:2/', role: 'secondary' },
  ];
  const status = {
    result: 0,
    arguments: {
      'high-availability': [
        {
          'ha-mode': 'load-balancing',
          'ha-servers': {
            local: { role: 'primary', scopes: [name], state: 'load-balancing' },
            remote: { 'last-state': 'load-balancing', 'last-scopes': [`${name}-partner`], 'in-touch': true },
          },
        },
      ],
    },
  };
  const config = {
    result: 0,
    arguments: {
      Dhcp4: {
        'hooks-libraries': [
          {
            library: 'libdhcp_ha.so',
            parameters: {
              'high-availability': [{ 'this-server-name': name, mode: 'load-balancing', peers }],
            },
          },
        ],
      },
    },
  };
  const server = createServer((connection) =>
    connection.on('data', (data) => {
      const command = (JSON.parse(data.toString()) as { command: string }).command;
      connection.end(JSON.stringify(command === 'config-get' ? config : status));
    }),
  );
  server.listen(socket);
  return server;
}

/** Follows the coordinator's live stream, noting when each observed transition's event arrived. */
async function followLive(url: string, arrived: Map<string, number[]>, stop: AbortSignal): Promise<void> {
  const response = await fetch(`${url}/events/live`, { signal: stop });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (data === undefined) continue;
      const event = JSON.parse(data) as {
        type: string;
        stream: string;
        data: { cause?: { source?: string } };
      };
      if (event.type !== 'StateTransitioned' || event.data.cause?.source !== 'kea-log') continue;
      arrived.set(event.stream, [...(arrived.get(event.stream) ?? []), Date.now()]);
    }
  }
}

/**
 * One watcher process following `count` Kea-like servers at `pollIntervalMs`, into a real coordinator:
 * its CPU and memory over `seconds`, and the delay from a Kea log line (a transition appended to a
 * server's log file) to the event committed and seen on the coordinator's live stream.
 */
export async function benchKeaWatch(
  count: number,
  pollIntervalMs: number,
  seconds: number,
): Promise<KeaWatchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-watch-'));
  const nats = await NatsServer.start();
  const coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
  const names = Array.from({ length: count }, (_, i) => `kea${i + 1}`);
  const fakes = names.map((name) => fakeKea(join(dir, `${name}.sock`), name));
  for (const name of names) writeFileSync(join(dir, `${name}.log`), '');
  const config = join(dir, 'kea-watch.json');
  writeFileSync(
    config,
    JSON.stringify({
      cluster: CLUSTER,
      nats: { servers: [nats.url] },
      'data-dir': join(dir, 'watch'),
      servers: names.map((name) => ({
        name,
        control: { socket: join(dir, `${name}.sock`) },
        'log-file': join(dir, `${name}.log`),
        'poll-interval': pollIntervalMs,
      })),
    }),
  );
  const watcher = OwnedProcess.startTs(WATCH_MAIN, ['--config', config], PROJECT_ROOT);
  const stop = new AbortController();
  const arrived = new Map<string, number[]>();
  try {
    await waitFor(
      `${count} watched servers at the coordinator`,
      async () => {
        const { peers } = await coordinator.get<{ peers: { state: string }[] }>('/peers');
        return peers.filter((p) => p.state === 'load-balancing').length === count ? true : undefined;
      },
      60_000,
    );
    void followLive(coordinator.url, arrived, stop.signal);
    await sleep(2_000);
    const cpuBefore = cpuSeconds(watcher.pid);
    const started = Date.now();
    // Five log lines a second across the servers: each a transition and back, one server at a time.
    const written = new Map<string, number[]>();
    let rss = 0;
    for (let i = 0; Date.now() - started < seconds * 1000; i += 1) {
      const name = names[i % count];
      const down = Math.floor(i / count) % 2 === 0;
      const at = Date.now();
      const [from, to, partner] = down
        ? ['LOAD-BALANCING', 'PARTNER-DOWN', 'UNDEFINED']
        : ['PARTNER-DOWN', 'LOAD-BALANCING', 'READY'];
      appendFileSync(
        join(dir, `${name}.log`),
        `${keaTime(at)} INFO  [kea-dhcp4.ha-hooks/1.1] HA_STATE_TRANSITION server transitions from ${from} to ${to} state, partner state is ${partner}\n`,
      );
      written.set(name, [...(written.get(name) ?? []), at]);
      rss = Math.max(rss, rssMiB(watcher.pid));
      await sleep(200);
    }
    const measured = (Date.now() - started) / 1000;
    const cpu = ((cpuSeconds(watcher.pid) - cpuBefore) / measured) * 100;
    await sleep(pollIntervalMs * 2 + 1_000);
    // The k-th line written to a server's log is the k-th transition its stream shows from the log.
    const delays = [...written].flatMap(([server, times]) => {
      const seen = arrived.get(`${CLUSTER}/${server}`) ?? [];
      return times.flatMap((at, k) => (seen[k] === undefined ? [] : [seen[k] - at]));
    });
    return {
      servers: count,
      pollIntervalMs,
      measuredSeconds: round(measured),
      watcherCpuPercent: round(cpu),
      watcherRssMiB: round(rss),
      linesMeasured: delays.length,
      p50LineToCommitMs: Math.round(percentile(delays, 50)),
      p99LineToCommitMs: Math.round(percentile(delays, 99)),
    };
  } finally {
    stop.abort();
    await watcher.stop();
    await coordinator.stop();
    for (const fake of fakes) fake.close();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The result as the bench's table rows: measure, value, target, verdict. */
export function keaWatchRows(r: KeaWatchResult): [string, string, string, string][] {
  return [
    [
      `kea-watch: ${r.servers} Kea-like servers at ${r.pollIntervalMs} ms polls`,
      `watcher ${r.watcherCpuPercent} % CPU, ${r.watcherRssMiB} MiB RSS over ${r.measuredSeconds} s`,
      '',
      '',
    ],
    [
      'kea-watch: Kea log line to committed event',
      `p50 ${r.p50LineToCommitMs} / p99 ${r.p99LineToCommitMs} ms over ${r.linesMeasured} lines (poll interval ${r.pollIntervalMs} ms)`,
      '',
      '',
    ],
  ];
}
