import { spawn } from 'node:child_process';
import { ClientNats } from '@nestjs/microservices';
import { partnerSubject } from '@haco/contracts';
import { NatsServer } from '../../../tools/harness/nats-server';
import { waitFor } from '../../../tools/harness/processes';
import type { PeerSettings } from '../src/config/peer-config';
import { KeaAnswerDeserializer, KeaRequestSerializer } from '@haco/nats';
import { KeaHttpClient } from '../src/partner/kea-http-client';
import { PartnerClient } from '../src/partner/partner-client';

jest.setTimeout(60_000);

/**
 * A stand-in partner in its own process: it answers heartbeats at once and holds every other request
 * without answering, so a test can kill -9 it while a request waits.
 */
const HOLDING_PARTNER = `
const { connect } = require('@nats-io/transport-node');
(async () => {
  const nc = await connect({ servers: process.argv[1] });
  nc.subscribe(process.argv[2], {
    callback: (_, message) => {
      const request = JSON.parse(new TextDecoder().decode(message.data));
      if (request.command === 'ha-heartbeat') message.respond(JSON.stringify({ result: 0, text: 'alive' }));
      else if (request.command === 'status-get') message.respond(JSON.stringify([{ result: 403, text: 'Forbidden' }]));
      else process.stdout.write('holding ' + request.command + '\\n');
    },
  });
  await nc.flush();
  process.stdout.write('ready\\n');
})();
`;

describe('PartnerClient (Nest NATS ClientProxy, Kea wire) against a real nats-server', () => {
  let nats: NatsServer;
  let proxy: ClientNats;
  let client: PartnerClient;
  // Partner calls go to the partner subject (Kea's restricted set), not the operators' command subject.
  const subject = partnerSubject('lab', 'server2');

  beforeAll(async () => {
    nats = await NatsServer.start();
    proxy = new ClientNats({
      servers: nats.url,
      serializer: new KeaRequestSerializer(),
      deserializer: new KeaAnswerDeserializer(),
    });
    await proxy.connect();
    const settings = { cluster: 'lab', keaPartners: [] as string[] } as unknown as PeerSettings;
    client = new PartnerClient(proxy, settings, new KeaHttpClient(settings));
  });
  afterAll(async () => {
    await proxy.close();
    await nats.destroy();
  });

  function startHoldingPartner(): { output: () => string; kill: () => void; exited: Promise<void> } {
    const child = spawn(process.execPath, ['-e', HOLDING_PARTNER, nats.url, subject], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
    };
    return { output: () => output, kill, exited };
  }

  it('fails a waiting request as a refused connection when the partner is killed, not after its timeout', async () => {
    const partner = startHoldingPartner();
    try {
      await waitFor('the partner to subscribe', async () => partner.output().includes('ready') || undefined);
      const reply = client.send('server2', 'lease4-get-page', { from: 'start', limit: 10 }, 30_000);
      await waitFor('the partner to hold the request', async () =>
        partner.output().includes('holding lease4-get-page') ? true : undefined,
      );
      partner.kill();
      // A timeout would say "Connection timed out"; only the presence check can say the peer is gone.
      expect(await reply).toEqual({ ok: false, error: 'Connection refused' });
    } finally {
      partner.kill();
      await partner.exited;
    }
  });

  it('keeps waiting for a partner that is alive but slow, until the request times out', async () => {
    const partner = startHoldingPartner();
    try {
      await waitFor('the partner to subscribe', async () => partner.output().includes('ready') || undefined);
      // Long enough for several presence checks, each answered by the live partner.
      const reply = await client.send('server2', 'lease4-get-page', { from: 'start', limit: 10 }, 1_500);
      expect(reply).toEqual({ ok: false, error: 'Connection timed out' });
    } finally {
      partner.kill();
      await partner.exited;
    }
  });

  it('reads a list answer by its first element and a bare 403 as error code 1, as Kea does', async () => {
    const partner = startHoldingPartner();
    try {
      await waitFor('the partner to subscribe', async () => partner.output().includes('ready') || undefined);
      expect(await client.send('server2', 'ha-heartbeat')).toEqual({
        ok: true,
        response: { result: 0, text: 'alive' },
      });
      expect(await client.send('server2', 'status-get')).toEqual({
        ok: true,
        response: { result: 1, text: 'Forbidden' },
      });
    } finally {
      partner.kill();
      await partner.exited;
    }
  });

  it('fails at once while NATS is known to be unreachable', async () => {
    client.setConnected(false);
    try {
      expect(await client.send('server2', 'ha-heartbeat')).toEqual({ ok: false, error: 'NATS unreachable' });
    } finally {
      client.setConnected(true);
    }
  });

  it('is refused at once when nobody serves the peer subject', async () => {
    expect(await client.send('nobody', 'ha-heartbeat')).toEqual({ ok: false, error: 'Connection refused' });
  });
});
