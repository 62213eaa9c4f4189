import { createInterface } from 'node:readline';
import { join } from 'node:path';
import type { JetStreamClient, JetStreamPublishOptions } from 'nats';
import { connect } from 'nats';
import { eventSubject } from '@haco/contracts';
import { generateStream } from '../test/support/stream-generator';
import { EventPublisher } from '../apps/peer/src/events/event-publisher';
import { Outbox } from '../apps/peer/src/events/outbox';
import { quiet } from './measure';

/** When a batch of one stream's events (from seq..to seq) left the peer, in epoch milliseconds. */
export type SentBatch = [stream: string, from: number, to: number, at: number];

export const epochMs = (): number => performance.timeOrigin + performance.now();

export function benchStreams(peers: number, perPeer: number) {
  return Array.from({ length: peers }, (_, i) =>
    generateStream(`bench/server${i + 1}`, perPeer, 5 + i).slice(0, perPeer),
  );
}

/** Records when each batch left, from the batch's own Haco-Stream and Haco-Seq headers. */
function timedPublisher(js: JetStreamClient, sent: SentBatch[]): JetStreamClient {
  return new Proxy(js, {
    get(target, property, receiver) {
      if (property !== 'publish') return Reflect.get(target, property, receiver) as unknown;
      return (subject: string, data: string, options: Partial<JetStreamPublishOptions>) => {
        const [from, to] = (options.headers?.get('Haco-Seq') ?? '0-0').split('-').map(Number);
        sent.push([options.headers?.get('Haco-Stream') ?? '', from, to, epochMs()]);
        return target.publish(subject, data, options);
      };
    },
  });
}

/**
 * The peers' side of the ingest bench, in its own process as peers are: outboxes filled with generated
 * events (a few per decision, as a peer records them), published by the peer's own EventPublisher on "go".
 * argv: NATS_URL DIR PEERS EVENTS_PER_PEER. Prints "ready", then the sent batches as one JSON line.
 */
async function main([url, dir, peers, perPeer]: string[]): Promise<void> {
  const nc = await connect({ servers: url });
  const sent: SentBatch[] = [];
  const js = timedPublisher(nc.jetstream(), sent);
  const publishers = benchStreams(Number(peers), Number(perPeer)).map((stream, i) => {
    const outbox = new Outbox(join(dir, `peer-${i + 1}`));
    for (let at = 0; at < stream.length; at += 5) outbox.append(stream.slice(at, at + 5));
    return new EventPublisher(nc, js, outbox, eventSubject('bench', `server${i + 1}`), quiet);
  });
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'go') break;
  }
  publishers.forEach((p) => p.kick());
  await Promise.all(publishers.map((p) => p.idle()));
  process.stdout.write(`${JSON.stringify(sent)}\n`);
  await nc.close();
  process.exit(0);
}

if (require.main === module) void main(process.argv.slice(2));
