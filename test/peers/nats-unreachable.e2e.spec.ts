import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

jest.setTimeout(60_000);

/** A peer started while NATS is away says so at once, and again while it waits, and carries on once it is back. */
describe('a peer that cannot reach NATS', () => {
  it('says so within a second, names the servers, and starts once NATS is there', async () => {
    const nats = await NatsServer.start();
    const pair = new PeerPair(nats);
    try {
      await nats.kill('SIGKILL');
      const peer = pair.start('server1');
      const output = () => peer.output.join('');
      const started = Date.now();
      await waitFor(
        'the first word',
        async () => (/cannot reach NATS yet; retrying/.test(output()) ? true : undefined),
        5_000,
      );
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(output()).toContain(nats.url);
      await nats.restart();
      await waitFor(
        'NATS reached, and the peer started',
        async () => (/NATS reached/.test(output()) && /peer started/.test(output()) ? true : undefined),
        20_000,
      );
      // Every line it wrote meanwhile is JSON.
      const lines = output()
        .split('\n')
        .filter((line) => line.trim().length > 0);
      expect(lines.filter((line) => !line.startsWith('{'))).toEqual([]);
    } finally {
      await pair.destroy();
      await nats.destroy();
    }
  });
});
