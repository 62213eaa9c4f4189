import { join } from 'node:path';
import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import { ensureEventsStream } from '@haco/contracts';
import { readPeerSettings } from '../apps/peer/src/config/peer-config';
import { MemoryLeaseStore } from '../apps/peer/src/leases/lease-store';
import { Peer } from '../apps/peer/src/runtime/peer';
import { quiet } from './measure';

/** A pair's relationship as the scale bench runs it: Kea's rules, heartbeats every second. */
export function pairConfig(url: string, dir: string, cluster: string, name: string): unknown {
  return {
    cluster,
    nats: { servers: [url] },
    'data-dir': join(dir, cluster, name),
    'high-availability': [
      {
        'this-server-name': name,
        mode: 'load-balancing',
        'heartbeat-delay': 1_000,
        'max-response-delay': 5_000,
        'max-ack-delay': 1_000,
        'max-unacked-clients': 0,
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
          { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
        ],
      },
    ],
  };
}

/**
 * Many peers in one process, each exactly as `apps/peer` runs it (its own NATS connection, outbox and
 * state machine), so that a hundred pairs fit on a small machine and their cost can be read per peer.
 * argv: NATS_URL DIR FIRST_PAIR PAIRS. Prints "started" once every peer has started; SIGTERM stops them.
 */
async function main([url, dir, first, count]: string[]): Promise<void> {
  const peers: Peer[] = [];
  const connections: NatsConnection[] = [];
  for (let pair = Number(first); pair < Number(first) + Number(count); pair += 1) {
    for (const name of ['server1', 'server2']) {
      const settings = readPeerSettings(pairConfig(url, dir, `scale${pair}`, name));
      const nc = await connect({ servers: url, reconnect: true, maxReconnectAttempts: -1 });
      if (connections.length === 0) await ensureEventsStream(nc);
      connections.push(nc);
      const peer = new Peer(settings, nc, nc.jetstream(), new MemoryLeaseStore(), quiet);
      await peer.start();
      peers.push(peer);
    }
  }
  process.stdout.write('started\n');
  process.once('SIGTERM', () => {
    void Promise.all(peers.map((p) => p.stop()))
      .then(() => Promise.all(connections.map((nc) => nc.close())))
      .finally(() => process.exit(0));
  });
}

if (require.main === module) void main(process.argv.slice(2));
