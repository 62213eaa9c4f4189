import { request } from 'node:http';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { freePort, waitFor } from '../../tools/harness/processes';

jest.setTimeout(60_000);

/** A POST of a Kea command to a peer's HA HTTP channel: its status and body. */
function post(url: string, command: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, agent: false },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ command, service: ['dhcp4'] }));
  });
}

/**
 * Kea 2.2's `restrict-commands` on the HA HTTP channel of a haco peer paired with a Kea server: only what an
 * HA partner sends is answered; anything else, ha-continue first, is HTTP 403 as Kea's dedicated listener
 * answers it.
 */
describe.each([true, false])('restrict-commands %s on the Kea HA channel', (restrict) => {
  let nats: NatsServer;
  let pair: PeerPair;
  let url: string;

  beforeAll(async () => {
    nats = await NatsServer.start();
    url = `http://127.0.0.1:${await freePort()}/`;
    pair = new PeerPair(nats, {
      urls: { server1: url },
      keaPartners: { server1: ['server2'] },
      settings: { 'restrict-commands': restrict },
      pausing: { server1: { waiting: 'always' } },
    });
    pair.start('server1');
    await waitFor('the HA channel', async () =>
      (await post(url, 'ha-heartbeat').catch(() => null)) ? true : undefined,
    );
  });
  afterAll(async () => {
    await pair.destroy();
    await nats.destroy();
  });

  it(
    restrict
      ? 'answers a partner\u2019s heartbeat and refuses ha-continue with 403'
      : 'answers ha-continue too, as Kea 2.2 does by default',
    async () => {
      const heartbeat = await post(url, 'ha-heartbeat');
      expect(heartbeat.status).toBe(200);
      const continued = await post(url, 'ha-continue');
      if (restrict) {
        expect(continued).toEqual({ status: 403, body: { result: 403, text: 'Forbidden' } });
        expect((await pair.status('server1')).paused).toBe(true);
      } else {
        expect(continued.status).toBe(200);
        expect((continued.body as { result: number }[])[0].result).toBe(0);
      }
    },
  );
});
