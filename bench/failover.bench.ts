import { PeerPair } from '../tools/harness/peer-cluster';
import { NatsServer } from '../tools/harness/nats-server';
import { sleep, waitFor } from '../tools/harness/processes';
import { percentile, round } from './measure';

export interface FailoverResult {
  readonly trials: number;
  readonly heartbeatDelayMs: number;
  readonly maxResponseDelayMs: number;
  /** heartbeat-delay + max-response-delay. */
  readonly boundMs: number;
  readonly minMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly laterThanBound: number;
  readonly samplesMs: readonly number[];
}

const TIMING = { 'heartbeat-delay': 500, 'max-response-delay': 2_000, 'max-unacked-clients': 0 };

/**
 * kill -9 of server2 at a random phase of the heartbeat, then the time until server1's own
 * StateTransitioned to partner-down (its decision time, from the event it recorded); server2 is restarted
 * and the pair brought back to load-balancing before the next trial.
 */
export async function benchFailover(trials: number): Promise<FailoverResult> {
  const nats = await NatsServer.start();
  const pair = new PeerPair(nats, { settings: TIMING });
  const samples: number[] = [];
  try {
    pair.startBoth();
    for (let trial = 0; trial < trials; trial += 1) {
      await pair.waitForState('server1', 'load-balancing', undefined, 60_000);
      await pair.waitForState('server2', 'load-balancing', undefined, 60_000);
      await sleep(TIMING['heartbeat-delay'] * (1 + Math.random()));
      const before = (await pair.storedEvents('server1')).length;
      const killedAt = Date.now();
      await pair.processes.get('server2')!.stop('SIGKILL');
      const down = await waitFor(
        'server1 to record partner-down',
        async () =>
          (await pair.storedEvents('server1'))
            .slice(before)
            .find((e) => e.type === 'StateTransitioned' && e.data['to'] === 'partner-down'),
        30_000,
      );
      samples.push(Date.parse(down.at) - killedAt);
      process.stderr.write(`  failover trial ${trial + 1}/${trials}: ${samples[samples.length - 1]} ms\n`);
      pair.start('server2');
    }
  } finally {
    await pair.destroy();
    await nats.destroy();
  }
  const bound = TIMING['heartbeat-delay'] + TIMING['max-response-delay'];
  return {
    trials,
    heartbeatDelayMs: TIMING['heartbeat-delay'],
    maxResponseDelayMs: TIMING['max-response-delay'],
    boundMs: bound,
    minMs: Math.min(...samples),
    p50Ms: round(percentile(samples, 50)),
    p99Ms: round(percentile(samples, 99)),
    maxMs: Math.max(...samples),
    laterThanBound: samples.filter((ms) => ms > bound).length,
    samplesMs: samples,
  };
}
