import { spawn } from 'node:child_process';
import type { NatsConnection } from 'nats';
import { connect } from 'nats';
import { commandSubject } from '@haco/contracts';
import { NatsServer } from '../../../test/support/nats-server';
import { waitFor } from '../../../test/support/processes';
import { PeerClient } from '../src/partner/peer-client';

jest.setTimeout(60_000);

/**
 * A stand-in partner in its own process: it answers heartbeats at once and holds every other request
 * without answering, so a test can kill -9 it while a request waits.
 */
const HOLDING_PARTNER = `
const { connect } = require('nats');
(async () => {
  const nc = await connect({ servers: process.argv[1] });
  nc.subscribe(process.argv[2], {
    callback: (_, message) => {
      const request = JSON.parse(new TextDecoder().decode(message.data));
      if (request.command === 'ha-heartbeat') message.respond(JSON.stringify({ result: 0, text: 'alive' }));
      else process.stdout.write('holding ' + request.command + '\\n');
    },
  });
  await nc.flush();
  process.stdout.write('ready\\n');
})();
`;

describe('PeerClient against a real nats-server', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  const subject = commandSubject('lab', 'server2');

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc.close();
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
      const client = new PeerClient(nc, 'lab');
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
      const client = new PeerClient(nc, 'lab');
      // Long enough for several presence checks, each answered by the live partner.
      const reply = await client.send('server2', 'lease4-get-page', { from: 'start', limit: 10 }, 1_500);
      expect(reply).toEqual({ ok: false, error: 'Connection timed out' });
    } finally {
      partner.kill();
      await partner.exited;
    }
  });

  it('is refused at once when nobody serves the peer subject', async () => {
    const client = new PeerClient(nc, 'lab');
    expect(await client.send('nobody', 'ha-heartbeat')).toEqual({ ok: false, error: 'Connection refused' });
  });
});
