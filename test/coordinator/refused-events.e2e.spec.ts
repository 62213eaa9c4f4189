import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { chainEnvelopes, eventSubject, GENESIS_HASH, streamId, toEnvelope } from '@haco/contracts';
import { parseHaConfig } from '@haco/ha-core';
import { ensureEventsStream } from '@haco/nats';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { waitFor } from '../../tools/harness/processes';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

jest.setTimeout(60_000);

/**
 * A stored event the state machine's `evolve` refuses (here: a stream that does not begin with its start)
 * is left out of the peer's view, but never silently: the view counts and names it, the coordinator logs
 * it, and /metrics shows the count.
 */
describe('events the state machine refuses to fold', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let coordinator: CoordinatorProcess;
  let dir: string;
  const cluster = `refused-${process.pid}`;

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc, { replicas: 1 });
    dir = mkdtempSync(join(tmpdir(), 'haco-refused-'));
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'haco.db'));
  });
  afterAll(async () => {
    await coordinator.stop();
    await nc.close();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts, names and logs them, and shows the count in /metrics', async () => {
    const stream = streamId(cluster, 'server1');
    const at = new Date().toISOString();
    const meta = (seq: number) => ({ id: `refused-${seq}`, stream, seq, at, causationId: null });
    const config = parseHaConfig([LOAD_BALANCING_RELATIONSHIP]);
    const batch = chainEnvelopes(GENESIS_HASH, [
      toEnvelope({ type: 'HeartbeatFailed', reason: 'before any start' }, meta(1)),
      toEnvelope({ type: 'ServiceStarted', config }, meta(2)),
    ]).envelopes;
    await jetstream(nc).publish(eventSubject(cluster, 'server1'), JSON.stringify(batch), {
      msgID: 'refused',
    });
    const view = await waitFor('the view of the peer', async () => {
      const answer = await fetch(`${coordinator.url}/peers/${cluster}/server1`);
      return answer.status === 200 ? ((await answer.json()) as Record<string, unknown>) : undefined;
    });
    expect(view).toMatchObject({
      state: 'waiting',
      refusedEvents: 1,
      lastRefusedEvent: { seq: 1, type: 'HeartbeatFailed', reason: expect.stringMatching(/ServiceStarted/) },
    });
    const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
    expect(metrics).toContain(`haco_peer_events_refused_total{cluster="${cluster}",peer="server1"} 1`);
    expect(coordinator.output()).toContain(
      'a stored event the state machine refuses is left out of the peer view',
    );
  });
});
