import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { JetStreamClient, JetStreamPublishOptions } from '@nats-io/jetstream';
import { jetstream } from '@nats-io/jetstream';
import type { EventEnvelope } from '@haco/contracts';
import { eventSubject } from '@haco/contracts';
import { generateStream } from '../tools/harness/stream-generator';
import { EventPublisher } from '@haco/nats';
import { Outbox } from '@haco/nats';
import { quiet } from './measure';

/** When a run of one stream's events (from seq..to seq) left the peer or was appended, in epoch ms. */
export type SentBatch = [stream: string, from: number, to: number, at: number];

export const epochMs = (): number => performance.timeOrigin + performance.now();

export function benchStreams(peers: number, perPeer: number, cluster = 'bench') {
  return Array.from({ length: peers }, (_, i) =>
    generateStream(`${cluster}/server${i + 1}`, perPeer, 5 + i).slice(0, perPeer),
  );
}

const TICK_MS = 20;

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
 * The peers' side of the ingest bench, in its own process as peers are, publishing with the peer's own
 * EventPublisher. `burst`: outboxes filled beforehand (a few events per decision, as a peer records them)
 * and published at once on "go"; each batch is timed from when it left. `paced:RATE`: from "go", events are
 * appended at RATE events/s over all peers and published as they come; each is timed from its append.
 * argv: NATS_URL DIR CLUSTER PEERS EVENTS_PER_PEER MODE. Prints "ready", then the timings as one JSON line.
 */
async function main([url, dir, cluster, peers, perPeer, mode]: string[]): Promise<void> {
  // HACO_BENCH_NATS_CA: the bench's nats-server requires TLS, signed by this CA.
  const ca = process.env.HACO_BENCH_NATS_CA;
  const nc = await connect({ servers: url, ...(ca === undefined ? {} : { tls: { caFile: ca } }) });
  const sent: SentBatch[] = [];
  const paced = mode.startsWith('paced:');
  const js = paced ? jetstream(nc) : timedPublisher(jetstream(nc), sent);
  const streams = benchStreams(Number(peers), Number(perPeer), cluster);
  const outboxes = streams.map((_, i) => new Outbox(join(dir, `${cluster}-peer-${i + 1}`)));
  const publishers = outboxes.map(
    (outbox, i) => new EventPublisher(nc, js, outbox, eventSubject(cluster, `server${i + 1}`), quiet),
  );
  if (!paced)
    streams.forEach((stream, i) => {
      for (let at = 0; at < stream.length; at += 5) outboxes[i].append(stream.slice(at, at + 5));
    });
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === 'go') break;
  }
  if (paced) await appendPaced(streams, outboxes, publishers, Number(mode.split(':')[1]), sent);
  else publishers.forEach((p) => p.kick());
  await Promise.all(publishers.map((p) => p.idle()));
  await nc.close();
  // A pipe takes a long line in pieces: exit only once all of it is written.
  process.stdout.write(`${JSON.stringify(sent)}\n`, () => process.exit(0));
}

/** Appends each peer's stream at its share of `rate` events/s, a tick at a time, publishing as it goes. */
async function appendPaced(
  streams: readonly EventEnvelope[][],
  outboxes: readonly Outbox[],
  publishers: readonly EventPublisher[],
  rate: number,
  sent: SentBatch[],
): Promise<void> {
  const perPeerPerMs = rate / streams.length / 1000;
  const start = performance.now();
  const appended = streams.map(() => 0);
  while (appended.some((n, i) => n < streams[i].length)) {
    const due = Math.floor((performance.now() - start) * perPeerPerMs);
    streams.forEach((stream, i) => {
      const upTo = Math.min(stream.length, due);
      if (upTo <= appended[i]) return;
      const events = stream.slice(appended[i], upTo);
      outboxes[i].append(events);
      sent.push([events[0].stream, events[0].seq, events[events.length - 1].seq, epochMs()]);
      appended[i] = upTo;
      publishers[i].kick();
    });
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
}

if (require.main === module) void main(process.argv.slice(2));
