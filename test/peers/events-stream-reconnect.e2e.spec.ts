import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '@haco/contracts';
import { INGEST_CONSUMER } from '@haco/nats';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

jest.setTimeout(90_000);

const EIGHT_MIB = 8 * 1024 * 1024;

/**
 * A NATS server that comes back without the events stream (its store lost or wiped) must get it back as
 * configured, from whoever ensures it on reconnect: never with default options.
 */
describe('the events stream after a reconnect', () => {
  let nats: NatsServer;
  let client: NatsConnection | null = null;

  beforeEach(async () => {
    nats = await NatsServer.start();
  });
  afterEach(async () => {
    await client?.close();
    client = null;
    await nats.destroy();
  });

  const streamConfig = async () => {
    client ??= await connect({ servers: nats.url, reconnect: true, maxReconnectAttempts: -1 });
    const jsm = await jetstreamManager(client);
    return jsm.streams.info(EVENTS_STREAM).then(
      (info) => info.config,
      () => undefined,
    );
  };

  /** The stream is deleted and the server restarted: everyone connected sees a disconnect and a reconnect. */
  const loseStreamAndReconnect = async () => {
    const jsm = await jetstreamManager(client!);
    await jsm.streams.delete(EVENTS_STREAM);
    expect(await streamConfig()).toBeUndefined();
    await nats.kill('SIGKILL');
    await nats.restart();
  };

  it('a peer re-creates it with its configured size, not the default', async () => {
    const pair = new PeerPair(nats);
    try {
      pair.start('server1', { env: { HACO_EVENTS_MAX_BYTES: String(EIGHT_MIB) } });
      const first = await waitFor('the stream made at boot', streamConfig, 20_000);
      expect(first.max_bytes).toBe(EIGHT_MIB);
      await loseStreamAndReconnect();
      const again = await waitFor('the stream made again on reconnect', streamConfig, 20_000);
      expect(again.max_bytes).toBe(EIGHT_MIB);
      expect(again.num_replicas).toBe(1);
    } finally {
      await pair.destroy();
    }
  });

  it('a coordinator re-creates it and its consumer with its configured size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'haco-stream-'));
    const coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'haco.db'), {
      HACO_EVENTS_MAX_BYTES: String(EIGHT_MIB),
    });
    try {
      expect((await waitFor('the stream made at boot', streamConfig, 20_000)).max_bytes).toBe(EIGHT_MIB);
      await loseStreamAndReconnect();
      const again = await waitFor('the stream made again', streamConfig, 20_000);
      expect(again.max_bytes).toBe(EIGHT_MIB);
      const jsm = await jetstreamManager(client!);
      const consumer = await waitFor(
        'the ingest consumer made again',
        () => jsm.consumers.info(EVENTS_STREAM, INGEST_CONSUMER).catch(() => undefined),
        20_000,
      );
      expect(consumer.name).toBe(INGEST_CONSUMER);
    } finally {
      await coordinator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
