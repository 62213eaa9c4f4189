import { parseHaConfig } from '@haco/ha-core';
import { KeaServer } from '../../tools/harness/kea-server';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';

jest.setTimeout(90_000);

type Answer = { result: number; text?: unknown; arguments?: unknown };

/** The JSON type of each field, so that two answers can be compared by shape rather than by content. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, typeof (value as Record<string, unknown>)[key]]),
    );
  }
  return typeof value;
}

/**
 * Kea tools start with version-get, list-commands, config-get and build-report: a haco peer answers them in
 * the shapes a real Kea 2.2 server gives (Debian's kea-dhcp4, asked on its control socket in the same test).
 */
describe('the server commands Kea tools ask first', () => {
  let nats: NatsServer;
  let pair: PeerPair;
  let kea: KeaServer;

  beforeAll(async () => {
    nats = await NatsServer.start();
    pair = new PeerPair(nats, { pausing: { server1: { ready: 'once' } } });
    pair.start('server1');
    await pair.waitForState('server1', 'waiting');
    kea = await KeaServer.start({
      'this-server-name': 'server1',
      mode: 'load-balancing',
      'heartbeat-delay': 10_000,
      peers: [
        { name: 'server1', url: 'http://127.0.0.1:18101/', role: 'primary' },
        { name: 'server2', url: 'http://127.0.0.1:18102/', role: 'secondary' },
      ],
    });
  });
  afterAll(async () => {
    await kea.destroy();
    await pair.destroy();
    await nats.destroy();
  });

  const both = async (command: string): Promise<[Answer, Answer]> => [
    (await kea.command(command)) as Answer,
    (await pair.command('server1', command)) as Answer,
  ];

  it('version-get: the version as text, the extended version in the arguments', async () => {
    const [real, peer] = await both('version-get');
    expect(shape(peer)).toEqual(shape(real));
    expect(peer).toMatchObject({
      result: 0,
      text: '2.2.0',
      arguments: { extended: expect.stringMatching(/^2\.2\.0\nhaco /) },
    });
  });

  it('list-commands: a sorted list and no text, naming every command the peer answers', async () => {
    const [real, peer] = await both('list-commands');
    expect(shape(peer)).toEqual(shape(real));
    const names = peer.arguments as string[];
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(
      expect.arrayContaining(['ha-continue', 'status-get', 'lease4-get-page', 'config-get', 'version-get']),
    );
    // Every HA command Kea lists, a peer answers too.
    const keaHa = (real.arguments as string[]).filter((name) => name.startsWith('ha-'));
    expect(keaHa.filter((name) => !names.includes(name))).toEqual([]);
  });

  it('build-report: a text report', async () => {
    const [real, peer] = await both('build-report');
    expect(shape(peer)).toEqual(shape(real));
    expect(peer.text).toMatch(/Version: +0\./);
  });

  it('config-get: a Dhcp4 map whose HA hook parameters read back as the peer\u2019s relationship, with no secret', async () => {
    const [real, peer] = await both('config-get');
    expect(shape(peer)).toEqual(shape(real));
    const hook = (answer: Answer) =>
      (
        (
          answer.arguments as {
            Dhcp4: { 'hooks-libraries': { library: string; parameters?: Record<string, unknown> }[] };
          }
        ).Dhcp4['hooks-libraries'].find((library) => library.library.endsWith('libdhcp_ha.so'))!.parameters![
          'high-availability'
        ] as unknown[]
      )[0] as Record<string, unknown>;
    // The peer's HA parameters carry the same keys Kea's do (Kea's own defaults included) ...
    expect(Object.keys(hook(real)).filter((key) => !(key in hook(peer)))).toEqual([]);
    // ... and read back as the relationship the peer runs, its pause included.
    const readBack = parseHaConfig([hook(peer)]);
    expect(readBack).toMatchObject({
      thisServerName: 'server1',
      mode: 'load-balancing',
      pausing: { ready: 'once' },
    });
    expect(JSON.stringify(peer)).not.toMatch(/password/);
  });
});
