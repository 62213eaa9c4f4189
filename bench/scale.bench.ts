import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../tools/harness/coordinator-process';
import { NatsServer } from '../tools/harness/nats-server';
import { sleep, waitFor } from '../tools/harness/processes';
import { startPeerHost } from './peer-host';
import { cpuSeconds, round, rssMiB } from './measure';

export interface ScaleResult {
  readonly pairs: number;
  readonly peers: number;
  readonly hostProcesses: number;
  readonly measuredSeconds: number;
  readonly cpuPercentPerPeer: number;
  readonly rssMiBPerPeer: number;
  readonly coordinatorCpuPercent: number;
  readonly coordinatorRssMiB: number;
  readonly natsServerCpuPercent: number;
  readonly eventsPerSecond: number;
  readonly maxIngestPendingMessages: number;
  readonly maxIngestLagSeconds: number;
}

const metric = (text: string, name: string): number =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

/**
 * `pairs` load-balancing pairs (heartbeats every second) on one coordinator and one nats-server; once
 * every peer is in load-balancing as the coordinator sees it, CPU and memory are read from /proc over
 * `seconds`, and the coordinator's ingest backlog and lag from its own /metrics every second.
 */
export async function benchScale(pairs: number, seconds: number): Promise<ScaleResult> {
  const dir = mkdtempSync(join(tmpdir(), 'haco-bench-scale-'));
  const nats = await NatsServer.start();
  const coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
  const hostCount = 2;
  const perHost = Math.ceil(pairs / hostCount);
  const hosts = Array.from({ length: hostCount }, (_, i) =>
    startPeerHost(nats.url, dir, i * perHost + 1, Math.min(perHost, pairs - i * perHost)),
  );
  try {
    await Promise.all(hosts.map((h) => h.started));
    await waitFor(
      `all ${pairs * 2} peers in load-balancing at the coordinator`,
      async () => {
        const { peers } = await coordinator.get<{ peers: { state: string }[] }>('/peers');
        return peers.length === pairs * 2 && peers.every((p) => p.state === 'load-balancing')
          ? true
          : undefined;
      },
      180_000,
    );
    const pids = hosts.map((h) => h.child.pid!);
    const cpuBefore = pids.map(cpuSeconds);
    const coordinatorBefore = cpuSeconds(coordinator.pid);
    const natsBefore = cpuSeconds(nats.pid);
    const eventsBefore = metric(await metricsText(coordinator), 'haco_events_stored_total');
    let maxPending = 0;
    let maxLag = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      await sleep(1_000);
      const text = await metricsText(coordinator);
      maxPending = Math.max(maxPending, metric(text, 'haco_ingest_pending_messages') || 0);
      maxLag = Math.max(maxLag, metric(text, 'haco_ingest_lag_seconds') || 0);
    }
    const elapsed = (performance.now() - started) / 1000;
    const hostCpu = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i], 0);
    const eventsAfter = metric(await metricsText(coordinator), 'haco_events_stored_total');
    return {
      pairs,
      peers: pairs * 2,
      hostProcesses: hostCount,
      measuredSeconds: round(elapsed),
      cpuPercentPerPeer: round((100 * hostCpu) / elapsed / (pairs * 2), 2),
      rssMiBPerPeer: round(pids.reduce((sum, pid) => sum + rssMiB(pid), 0) / (pairs * 2), 2),
      coordinatorCpuPercent: round((100 * (cpuSeconds(coordinator.pid) - coordinatorBefore)) / elapsed),
      coordinatorRssMiB: round(rssMiB(coordinator.pid)),
      natsServerCpuPercent: round((100 * (cpuSeconds(nats.pid) - natsBefore)) / elapsed),
      eventsPerSecond: round((eventsAfter - eventsBefore) / elapsed),
      maxIngestPendingMessages: maxPending,
      maxIngestLagSeconds: round(maxLag, 2),
    };
  } finally {
    for (const host of hosts) host.child.kill('SIGKILL');
    await coordinator.stop('SIGKILL');
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function metricsText(coordinator: CoordinatorProcess): Promise<string> {
  const response = await fetch(`${coordinator.url}/metrics`, {
    headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
  });
  return response.text();
}
