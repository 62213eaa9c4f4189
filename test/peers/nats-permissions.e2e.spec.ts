import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EVENTS_STREAM } from '@haco/contracts';
import { ensureEventsStream } from '@haco/nats';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { NatsServer } from '../../tools/harness/nats-server';

jest.setTimeout(60_000);

/** examples/nats-auth.conf with this test's port and store directory. */
const authConfig = (port: number, storeDir: string) =>
  readFileSync(join(PROJECT_ROOT, 'examples', 'nats-auth.conf'), 'utf8')
    .replace(/^port: \d+$/m, `port: ${port}`)
    .replace(/store_dir: "[^"]*"/, `store_dir: "${storeDir}"`);

describe('per-peer NATS permissions (examples/nats-auth.conf)', () => {
  let nats: NatsServer;
  const clients: NatsConnection[] = [];
  const as = async (user: string) => {
    const nc = await connect({ servers: nats.url, user, pass: `${user}-secret` });
    clients.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await NatsServer.start(authConfig);
    await ensureEventsStream(await as('coordinator'));
  });
  afterAll(async () => {
    await Promise.all(clients.map((nc) => nc.close()));
    await nats.destroy();
  });

  it('lets a peer publish its own events', async () => {
    const server1 = await as('server1');
    const ack = await jetstream(server1).publish('haco.local.server1.events', '{}', {
      msgID: 'own-1',
      timeout: 2_000,
    });
    expect(ack.stream).toBe(EVENTS_STREAM);
  });

  it('refuses a peer publishing into another peer\u2019s stream, and stores nothing', async () => {
    const server1 = await as('server1');
    await expect(
      jetstream(server1).publish('haco.local.server2.events', '{}', { msgID: 'forged-1', timeout: 1_500 }),
    ).rejects.toThrow();
    const jsm = await jetstreamManager(await as('coordinator'));
    const info = await jsm.streams.info(EVENTS_STREAM, { subjects_filter: '>' });
    expect(info.state.subjects ?? {}).not.toHaveProperty('haco.local.server2.events');
  });

  it('refuses a peer answering another peer\u2019s commands', async () => {
    const server1 = await as('server1');
    const subscription = server1.subscribe('haco.local.server2.cmd');
    let fallback: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      (async () => {
        try {
          for await (const _message of subscription) return 'message';
          return 'closed';
        } catch (error) {
          return String(error);
        }
      })(),
      new Promise<string>((resolve) => {
        fallback = setTimeout(() => resolve('still subscribed'), 3_000);
      }),
    ]);
    clearTimeout(fallback);
    expect(ended).toMatch(/permissions violation/i);
  });

  it('refuses a wrong password', async () => {
    await expect(connect({ servers: nats.url, user: 'server1', pass: 'guess' })).rejects.toThrow(
      /Authorization/i,
    );
  });
});
