import { sleep, waitFor } from '../../tools/harness/processes';
import { KeaPairing, TIMING } from './kea-pairing';

jest.setTimeout(180_000);

/** What a fresh pair of real Kea servers started together goes through, each of them. */
const FRESH_START = (mode: string) => ['waiting -> syncing', 'syncing -> ready', `ready -> ${mode}`];

describe.each([
  ['haco primary, Kea secondary', 'server1', 'load-balancing'],
  ['Kea primary, haco secondary', 'server2', 'load-balancing'],
  ['haco primary, Kea standby', 'server1', 'hot-standby'],
  ['Kea primary, haco standby', 'server2', 'hot-standby'],
] as const)('a haco peer paired with a real Kea 2.2 (%s, %s)', (_label, haco, mode) => {
  let pairing: KeaPairing | null = null;
  afterEach(async () => {
    await pairing?.destroy();
    pairing = null;
  });

  it(`reaches ${mode} with it, keeps their leases equal, survives a kill -9 of Kea, and maintenance`, async () => {
    const p = (pairing = await KeaPairing.start({ haco, mode }));
    await p.waitFor(mode, mode);
    // Both sides moved as two real Kea servers started together do.
    expect(await p.hacoTransitions()).toEqual(FRESH_START(mode));
    expect(p.kea.transitions()).toEqual(FRESH_START(mode));
    // In hot-standby the primary serves every client, the standby none.
    const scopes = (await p.hacoState()).scopes;
    const serves = mode === 'load-balancing' || haco === 'server1';
    expect(scopes).toEqual(mode === 'load-balancing' ? [haco] : serves ? ['server1'] : []);

    // haco side: an allocation (of a client in haco's scope) is sent to Kea as a lease update first.
    const allocated: string[] = [];
    for (let i = 0; serves && allocated.length < 3 && i < 60; i += 1) {
      const mac = `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`;
      const answer = await p.pair.command(haco, 'dhcp4-query', { 'hw-address': mac });
      if (answer.result === 0) allocated.push((answer.arguments as { 'ip-address': string })['ip-address']);
    }
    expect(allocated).toHaveLength(serves ? 3 : 0);
    expect(await p.leaseAddresses('kea')).toEqual(expect.arrayContaining(allocated));
    // Kea side: a lease added on its control socket (there are no DHCP clients here).
    expect(
      await p.kea.command('lease4-add', {
        'ip-address': '192.0.2.200',
        'hw-address': '1a:1b:1c:1d:1e:1f',
        'subnet-id': 1,
      }),
    ).toMatchObject({ result: 0 });

    // Maintenance started on the haco side, then on the Kea side.
    expect(await p.pair.command(haco, 'ha-maintenance-start')).toMatchObject({ result: 0 });
    await p.waitFor('partner-in-maintenance', 'in-maintenance');
    expect(await p.pair.command(haco, 'ha-maintenance-cancel')).toMatchObject({ result: 0 });
    await p.waitFor(mode, mode);
    expect(await p.kea.command('ha-maintenance-start')).toMatchObject({ result: 0 });
    await p.waitFor('in-maintenance', 'partner-in-maintenance');
    expect(await p.kea.command('ha-maintenance-cancel')).toMatchObject({ result: 0 });
    await p.waitFor(mode, mode);

    // kill -9 of Kea: haco goes partner-down within Kea's bound (heartbeat-delay + max-response-delay).
    const killed = Date.now();
    await p.kea.kill('SIGKILL');
    await waitFor(
      'haco in partner-down',
      async () => ((await p.hacoState()).state === 'partner-down' ? true : undefined),
      20_000,
    );
    expect(Date.now() - killed).toBeLessThanOrEqual(
      TIMING['heartbeat-delay'] + TIMING['max-response-delay'] + 1_500,
    );
    // Kea restarts on its lease file, syncs from haco, and both return to load-balancing.
    await p.kea.restart();
    await p.waitFor(mode, mode, 60_000);
    expect(p.kea.transitions().slice(-3)).toEqual(FRESH_START(mode));
    // As a Kea 2.2 server whose partner dies: in load-balancing through communication-recovery first.
    const failover =
      mode === 'load-balancing'
        ? ['load-balancing -> communication-recovery', 'communication-recovery -> partner-down']
        : ['hot-standby -> partner-down'];
    expect((await p.hacoTransitions()).slice(-failover.length - 1)).toEqual([
      ...failover,
      `partner-down -> ${mode}`,
    ]);

    // haco restarts (a clean stop) and syncs from Kea with lease4-get-page: Kea's own lease comes over.
    await p.pair.processes.get(haco)?.stop('SIGTERM');
    await sleep(500);
    p.pair.start(haco);
    await p.waitFor(mode, mode, 60_000);
    const [onHaco, onKea] = [await p.leaseAddresses('haco'), await p.leaseAddresses('kea')];
    expect(onHaco).toEqual(expect.arrayContaining([...allocated, '192.0.2.200']));
    expect(onHaco).toEqual(onKea);
  });

  it('pauses with it in waiting (once), each continued one by one, and in ready (always)', async () => {
    const p = (pairing = await KeaPairing.start({
      haco,
      mode,
      pausing: { waiting: 'once', ready: 'always' },
    }));
    await waitFor('haco paused in waiting', async () => {
      const s = await p.hacoState().catch(() => null);
      return s?.state === 'waiting' && s.paused ? true : undefined;
    });
    await sleep(2 * TIMING['heartbeat-delay']);
    // Kea, paused too, stays in waiting until continued.
    expect(await p.kea.haState()).toBe('waiting');
    expect(await p.kea.command('ha-continue')).toMatchObject({ result: 0 });
    expect(await p.pair.command(haco, 'ha-continue')).toMatchObject({ result: 0 });
    // Each stops again in ready (always), and goes on only when continued there.
    await p.waitFor('ready', 'ready');
    await sleep(2 * TIMING['heartbeat-delay']);
    expect((await p.hacoState()).state).toBe('ready');
    expect(await p.kea.haState()).toBe('ready');
    expect(await p.kea.command('ha-continue')).toMatchObject({ result: 0 });
    expect(await p.pair.command(haco, 'ha-continue')).toMatchObject({ result: 0 });
    await p.waitFor(mode, mode);
    expect(await p.hacoTransitions()).toEqual(FRESH_START(mode));
    expect(p.kea.transitions()).toEqual(FRESH_START(mode));
  });
});
