import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { own } from '../tools/harness/processes';

const PEER_MAIN = join(__dirname, '..', 'apps', 'peer', 'src', 'main.ts');

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
 * Many peers in one process, each exactly as `apps/peer` runs it (a Nest microservice of its own, with its
 * own NATS connections, outbox and state machine): the peer program itself, given one `--config` per peer,
 * so that a hundred pairs fit on a small machine and their cost can be read per peer. Resolves once every
 * peer has started.
 */
export function startPeerHost(
  url: string,
  dir: string,
  firstPair: number,
  pairs: number,
): { child: ChildProcess; started: Promise<void> } {
  const args = ['--import', 'tsx', PEER_MAIN];
  for (let pair = firstPair; pair < firstPair + pairs; pair += 1) {
    for (const name of ['server1', 'server2']) {
      const file = join(dir, `scale${pair}-${name}.json`);
      writeFileSync(file, JSON.stringify(pairConfig(url, dir, `scale${pair}`, name)));
      args.push('--config', file);
    }
  }
  const child = own(spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  const started = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (line.includes('"all peers started"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`peer host exited with ${String(code)}`)));
  });
  return { child, started };
}
