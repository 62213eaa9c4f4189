import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect, nkeyAuthenticator } from '@nats-io/transport-node';
import { AckPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import {
  COORDINATOR_INBOX_PREFIX,
  EVENTS_STREAM,
  peerInboxPrefix,
  watcherInboxPrefix,
} from '@haco/contracts';
import type { NatsSecurity } from '@haco/nats';
import { ensureEventsStream, writeNatsSecurity } from '@haco/nats';
import { NatsServer } from '../../tools/harness/nats-server';
import { subscriptionEnd } from '../support/nats-subscription';

jest.setTimeout(60_000);

/**
 * The permissions haco writes for a cluster (the main job's and compose's), on a real nats-server: each
 * process may do its own work and nothing of another's.
 */
describe('least-privilege NATS users (writeNatsSecurity)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-nats-users-'));
  let nats: NatsServer;
  let security: NatsSecurity;
  const clients: NatsConnection[] = [];
  const as = async (name: string): Promise<NatsConnection> => {
    const seed = new TextEncoder().encode(readFileSync(security.seedFiles.get(name)!, 'utf8').trim());
    const nc = await connect({
      servers: nats.url,
      authenticator: nkeyAuthenticator(seed),
      inboxPrefix:
        name === 'coordinator'
          ? COORDINATOR_INBOX_PREFIX
          : name === 'kea-watch'
            ? watcherInboxPrefix('lab')
            : peerInboxPrefix('lab', name),
      reconnect: false,
    });
    clients.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await NatsServer.start((port, storeDir) => {
      security = writeNatsSecurity({
        dir: join(dir, 'keys'),
        cluster: 'lab',
        peers: ['server1', 'server2'],
        watchedServers: ['kea1', 'kea2'],
        host: '127.0.0.1',
        port,
        storeDir,
      });
      return readFileSync(security.configFile, 'utf8');
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((nc) => nc.close()));
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the seeds and the configuration for their owner only', () => {
    for (const file of [security.configFile, ...security.seedFiles.values()]) {
      expect([file, readFileSync(file).length > 0]).toEqual([file, true]);
    }
    expect(readFileSync(security.configFile, 'utf8')).not.toContain(
      readFileSync(security.seedFiles.get('server1')!, 'utf8').trim(),
    );
  });

  it('lets a peer find the events stream but not create one: only a coordinator does', async () => {
    const server1 = await as('server1');
    await expect(ensureEventsStream(server1, { replicas: 1 })).rejects.toThrow(/permissions violation/i);
    const coordinator = await as('coordinator');
    await ensureEventsStream(coordinator, { replicas: 1 });
    const jsm = await jetstreamManager(server1);
    expect((await jsm.streams.info(EVENTS_STREAM)).config.name).toBe(EVENTS_STREAM);
    // A stream of a peer's own, over commands, would answer commands with publish acks: refused.
    await expect(
      jsm.streams.add({
        name: 'SNOOP',
        subjects: ['haco.lab.*.cmd'],
        retention: RetentionPolicy.Limits,
        discard: DiscardPolicy.Old,
      }),
    ).rejects.toThrow(/permissions violation/i);
  });

  it('lets a peer publish its own events, and the coordinator consume and acknowledge them', async () => {
    const server1 = await as('server1');
    const ack = await jetstream(server1).publish('haco.lab.server1.events', '[]', {
      msgID: 'own-1',
      timeout: 2_000,
    });
    expect(ack.stream).toBe(EVENTS_STREAM);
    const coordinator = await as('coordinator');
    const jsm = await jetstreamManager(coordinator);
    await jsm.consumers.add(EVENTS_STREAM, { durable_name: 'perm-test', ack_policy: AckPolicy.Explicit });
    const consumer = await jetstream(coordinator).consumers.get(EVENTS_STREAM, 'perm-test');
    const message = await consumer.next({ expires: 2_000 });
    expect(message?.subject).toBe('haco.lab.server1.events');
    await message?.ackAck();
  });

  it('refuses a peer publishing into another peer\u2019s stream, and stores nothing', async () => {
    const server1 = await as('server1');
    await expect(
      jetstream(server1).publish('haco.lab.server2.events', '[]', { msgID: 'forged-1', timeout: 1_500 }),
    ).rejects.toThrow(/permissions violation/i);
    const jsm = await jetstreamManager(await as('coordinator'));
    const info = await jsm.streams.info(EVENTS_STREAM, { subjects_filter: '>' });
    expect(info.state.subjects ?? {}).not.toHaveProperty('haco.lab.server2.events');
  });

  it('lets a peer call its partner on the partner subject, never on the operators\u2019 command subject', async () => {
    const server2 = await as('server2');
    const listening = server2.subscribe('haco.lab.server2.partner', { max: 1 });
    void (async () => {
      for await (const message of listening) message.respond('{"result":0,"text":"alive"}');
    })();
    await server2.flush();
    const server1 = await as('server1');
    const answer = await server1.request('haco.lab.server2.partner', '{"command":"ha-heartbeat"}', {
      timeout: 2_000,
    });
    expect(answer.json()).toEqual({ result: 0, text: 'alive' });
    await expect(
      server1.request('haco.lab.server2.cmd', '{"command":"ha-continue"}', { timeout: 2_000 }),
    ).rejects.toThrow(/permissions violation for publish/i);
  });

  it('refuses a peer reading another peer\u2019s commands, partner calls or anyone\u2019s answers', async () => {
    const server1 = await as('server1');
    for (const subject of [
      'haco.lab.server2.cmd',
      'haco.lab.server2.partner',
      '_INBOX.>',
      `${COORDINATOR_INBOX_PREFIX}.>`,
    ]) {
      expect([subject, await subscriptionEnd(server1, subject)]).toEqual([
        subject,
        expect.stringMatching(/permissions violation/i),
      ]);
    }
  });

  it('lets the Kea watcher write its servers\u2019 streams and answer their commands, and nothing of the peers\u2019', async () => {
    const watch = await as('kea-watch');
    const ack = await jetstream(watch).publish('haco.lab.kea1.events', '[]', {
      msgID: 'watch-1',
      timeout: 2_000,
    });
    expect(ack.stream).toBe(EVENTS_STREAM);
    await expect(
      jetstream(watch).publish('haco.lab.server1.events', '[]', { msgID: 'watch-forged', timeout: 1_500 }),
    ).rejects.toThrow(/permissions violation/i);
    // The coordinator's command to a watched server reaches the watcher, and its answer comes back.
    const listening = watch.subscribe('haco.lab.kea2.cmd', { max: 1 });
    void (async () => {
      for await (const message of listening)
        message.respond('{"result":0,"text":"HA state machine continues."}');
    })();
    await watch.flush();
    const coordinator = await as('coordinator');
    const answer = await coordinator.request('haco.lab.kea2.cmd', '{"command":"ha-continue"}', {
      timeout: 2_000,
    });
    expect(answer.json()).toMatchObject({ result: 0 });
    for (const subject of [
      'haco.lab.server1.cmd',
      'haco.lab.server1.partner',
      `${COORDINATOR_INBOX_PREFIX}.>`,
    ]) {
      expect([subject, await subscriptionEnd(watch, subject)]).toEqual([
        subject,
        expect.stringMatching(/permissions violation/i),
      ]);
    }
    await expect(
      watch.request('haco.lab.server1.cmd', '{"command":"ha-continue"}', { timeout: 2_000 }),
    ).rejects.toThrow(/permissions violation for publish/i);
  });

  it('refuses a client with no key', async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(
      /Authorization Violation/i,
    );
  });
});
