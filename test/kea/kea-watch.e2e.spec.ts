import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../tools/harness/chromium';
import { makeCertificates } from '../../tools/harness/certificates';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { KeaCtrlAgent } from '../../tools/harness/kea-ctrl-agent';
import { KeaServer } from '../../tools/harness/kea-server';
import { NatsServer } from '../../tools/harness/nats-server';
import { freePort, OwnedProcess, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(180_000);

/*
 * Longer than 250 lines because it is one scenario, step after step on the same real pair (a pause, its
 * release, a rotation, a kill, the watcher's own kill), run for each mode.
 */

const WATCH_MAIN = join(PROJECT_ROOT, 'apps', 'kea-watch', 'src', 'main.ts');

interface PeerView {
  state: string;
  paused: boolean;
  status: string;
  observedBy: string | null;
  lastObservationGap: { from: string; to: string } | null;
}
interface HistoryRow {
  from: string | null;
  to: string;
  cause: string;
}

/**
 * Two real kea-dhcp4 2.2 servers in a load-balancing pair, then a hot-standby pair, followed by haco's watcher (their control
 * sockets and log files) through a real nats-server into a real coordinator: haco shows the real servers'
 * states and pauses, releases a pause through its audited path, and records exactly the transitions Kea
 * logged.
 */
describe.each([
  ['load-balancing', 'secondary'],
  ['hot-standby', 'standby'],
] as const)('kea-watch following a real Kea pair in %s', (mode, secondRole) => {
  const CLUSTER = `site-${process.pid}-${mode}`;
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let keas: Record<'server1' | 'server2', KeaServer>;
  let watcher: OwnedProcess;
  let watchConfig: string;
  let agent: KeaCtrlAgent;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haco-kea-watch-'));
    const [port1, port2] = [await freePort(), await freePort()];
    const peers = [
      { name: 'server1', url: `http://127.0.0.1:${port1}/`, role: 'primary' },
      { name: 'server2', url: `http://127.0.0.1:${port2}/`, role: secondRole },
    ];
    const timing = {
      mode,
      'heartbeat-delay': 1_000,
      'max-response-delay': 3_000,
      'max-ack-delay': 1_000,
      'max-unacked-clients': 0,
      peers,
    };
    keas = {
      server1: await KeaServer.start({
        ...timing,
        'this-server-name': 'server1',
        'state-machine': { states: [{ state: 'ready', pause: 'once' }] },
      }),
      server2: await KeaServer.start({ ...timing, 'this-server-name': 'server2' }),
    };
    const passwordFile = join(dir, 'ca-password');
    writeFileSync(passwordFile, 'watch-secret-7d2', { mode: 0o600 });
    // In load-balancing the Control Agent speaks HTTPS and wants a client certificate; in hot-standby,
    // plain HTTP, and server2 is reached on the HA hook's own listener instead of its socket.
    const certificates = mode === 'load-balancing' ? makeCertificates(join(dir, 'tls')) : null;
    agent = await KeaCtrlAgent.start(
      keas.server1.socket,
      'haco-watch',
      'watch-secret-7d2',
      certificates === null
        ? undefined
        : { ca: certificates.ca, cert: certificates.cert, key: certificates.key },
    );
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'haco.db'));
    const config = join(dir, 'kea-watch.json');
    writeFileSync(
      config,
      JSON.stringify({
        cluster: CLUSTER,
        nats: { servers: [nats.url] },
        'data-dir': join(dir, 'watch'),
        servers: (['server1', 'server2'] as const).map((name) => ({
          name,
          // server1 through a Kea Control Agent over HTTP with basic auth, server2 on its unix socket.
          control:
            name === 'server1'
              ? {
                  url: agent.url,
                  'basic-auth-user': 'haco-watch',
                  'basic-auth-password-file': passwordFile,
                  ...(certificates === null
                    ? {}
                    : {
                        'trust-anchor': certificates.ca,
                        'cert-file': certificates.cert,
                        'key-file': certificates.key,
                      }),
                }
              : mode === 'hot-standby'
                ? { url: peers[1].url }
                : { socket: keas[name].socket },
          'log-file': keas[name].logFile,
          'poll-interval': 250,
        })),
      }),
    );
    watchConfig = config;
    watcher = OwnedProcess.startTs(WATCH_MAIN, ['--config', config], PROJECT_ROOT);
  });

  afterAll(async () => {
    await watcher?.stop();
    await coordinator?.stop();
    await agent?.destroy();
    await keas?.server1.destroy();
    await keas?.server2.destroy();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const view = (name: string) => coordinator.get<PeerView & { error?: string }>(`/peers/${CLUSTER}/${name}`);
  const waitForView = (what: string, name: string, check: (v: PeerView) => boolean) =>
    waitFor(
      what,
      async () => {
        const seen = await view(name);
        return seen.error === undefined && check(seen) ? seen : undefined;
      },
      30_000,
    );
  const recordedTransitions = async (name: string) =>
    (
      await coordinator.get<{ transitions: HistoryRow[] }>(`/peers/${CLUSTER}/${name}/history?limit=1000`)
    ).transitions
      .filter((row) => row.cause.startsWith('observed:') && row.from !== null)
      .map((row) => `${row.from} -> ${row.to}`);

  it('shows server1 paused in ready, as Kea\u2019s log says, and server2 waiting on it', async () => {
    const paused = await waitForView(
      'server1 paused in ready',
      'server1',
      (v) => v.state === 'ready' && v.paused,
    );
    expect(paused).toMatchObject({ status: 'up', observedBy: `kea-watch/${CLUSTER}` });
    expect(await keas.server1.haState()).toBe('ready');
    const waiting = await waitFor('server2 waiting on server1', async () => {
      const seen = await coordinator.get<{ waitingOn: { peer: string; pausedIn: string } | null }>(
        `/peers/${CLUSTER}/server2`,
      );
      return seen.waitingOn ?? undefined;
    });
    expect(waiting).toEqual({ peer: 'server1', pausedIn: 'ready' });
    const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
    expect(metrics).toContain(`haco_peer_paused{cluster="${CLUSTER}",peer="server1"} 1`);
  });

  it('shows the real server paused in the console, marked as a watched Kea server, and its partner waiting', async () => {
    expect(spawnSync('npm', ['run', '--silent', 'build:console'], { cwd: PROJECT_ROOT }).status).toBe(0);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${coordinator.url}/ui/`);
      const card = page.locator(`[data-peer="${CLUSTER}/server1"]`);
      await card.waitFor({ timeout: 15_000 });
      await waitFor('the PAUSED badge', async () =>
        (await card.innerText()).includes('PAUSED in ready') ? true : undefined,
      );
      expect(await card.innerText()).toContain('KEA');
      expect(await page.locator(`[data-peer="${CLUSTER}/server2"]`).innerText()).toContain(
        'WAITS on server1',
      );
    } finally {
      await browser.close();
    }
  });

  it('reaches server1 through the Control Agent, which refuses anyone without the password', async () => {
    // Without the password: 401; over HTTPS, without a client certificate the handshake itself fails.
    const tls = mode === 'load-balancing' ? { ca: readFileSync(join(dir, 'tls', 'haco-ca.pem')) } : null;
    const clientCert =
      tls === null
        ? {}
        : {
            cert: readFileSync(join(dir, 'tls', 'haco-cert.pem')),
            key: readFileSync(join(dir, 'tls', 'haco-cert.key')),
          };
    expect(await askAgent(agent.url, { ...tls, ...clientCert })).toBe(401);
    if (tls !== null) await expect(askAgent(agent.url, tls)).rejects.toThrow();
    expect(await view('server1')).toMatchObject({ status: 'up' });
  });

  it('refuses a continue whose guard does not hold, without sending it to Kea', async () => {
    const refused = await coordinator.post<{ result: number; arguments?: Record<string, unknown> }>(
      `/peers/${CLUSTER}/server1/commands`,
      { command: 'ha-continue', guard: 'waiting', why: 'wrong guard' },
    );
    expect(refused.body).toMatchObject({
      result: 1,
      arguments: { 'haco-refused': 'guard', state: 'ready', paused: true },
    });
    expect(await keas.server1.haState()).toBe('ready');
    // The same through Kea's control channel on the coordinator (POST /), and a read answered as Kea answers it.
    const viaKea = await coordinator.post<{ result: number; arguments?: Record<string, unknown> }>('/', {
      command: 'ha-continue',
      arguments: { cluster: CLUSTER, peer: 'server1', guard: 'waiting', why: 'wrong guard' },
    });
    expect(viaKea.body).toMatchObject({ result: 1, arguments: { 'haco-refused': 'guard' } });
    // A read is answered as Kea answers it; on a loaded machine Kea may miss its 5 s once, and a read is
    // asked again at no cost.
    const read = await waitFor('status-get answered', async () => {
      const answered = await coordinator.post<{ result: number; arguments?: Record<string, unknown> }>('/', {
        command: 'status-get',
        arguments: { cluster: CLUSTER, peer: 'server1' },
      });
      return answered.body.result === 0 ? answered : undefined;
    });
    expect(read.body).toMatchObject({
      result: 0,
      arguments: { 'high-availability': expect.any(Array), pid: expect.any(Number) },
    });
  });

  const releaseWithCli = (haco: (args: string[]) => ReturnType<typeof spawnSync>): string => {
    const released = haco([
      'continue',
      `${CLUSTER}/server1`,
      '--guard',
      'ready',
      '--reason',
      'leases checked',
      '--wait',
    ]);
    // With its output, so that a refusal or a timeout says which.
    expect({ status: released.status, stderr: String(released.stderr) }).toMatchObject({ status: 0 });
    expect(String(released.stdout)).toContain('HA state machine continues.');
    expect(String(released.stderr)).toContain(`${CLUSTER}/server1 is no longer paused`);
    const commandId = /command ([0-9a-f]{8}-[0-9a-f-]{27}) recorded/.exec(String(released.stderr))?.[1];
    expect(commandId).toBeDefined();
    return commandId!;
  };
  const releaseInConsole = async (): Promise<string> => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${coordinator.url}/ui/#/peers/${CLUSTER}/server1`);
      await page.locator('.token input').fill(CoordinatorProcess.TOKEN);
      await page.locator('.token input').press('Enter');
      await page.locator('.token input').blur();
      page.once('dialog', (dialog) => void dialog.accept('leases checked'));
      await page.locator('button.continue').click();
      await waitForView('server1 released from the console', 'server1', (v) => !v.paused);
    } finally {
      await browser.close();
    }
    const { commands } = await coordinator.get<{
      commands: { commandId: string; why: string; outcome: string }[];
    }>(`/commands?command=ha-continue&peer=${CLUSTER}/server1&outcome=completed`);
    const released = commands.find((command) => command.why === 'leases checked');
    expect(released).toBeDefined();
    return released!.commandId;
  };

  // In load-balancing the pause is released with bin/haco, in hot-standby with the console's Continue button.
  it('releases the pause through haco\u2019s audited path (bin/haco or the console); both reach the mode', async () => {
    const haco = (args: string[]) =>
      spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), args, {
        encoding: 'utf8',
        env: { ...process.env, HACO_URL: coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
        timeout: 60_000,
      });
    const status = haco(['status']);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${CLUSTER}/server1 +ready +yes`));
    expect(status.stdout).toMatch(new RegExp(`${CLUSTER}/server2 .*waits on server1 \\(paused in ready\\)`));
    // First the dry run, from the states haco observed of the real servers: nothing is sent to Kea.
    const dry = await coordinator.post<{
      result: number;
      arguments: {
        transitions: { server: string; from: string; to: string }[];
        servers: { server: string; state: string; paused: boolean }[];
      };
    }>(`/peers/${CLUSTER}/server1/commands`, { command: 'ha-continue', dryRun: true, why: 'preview' });
    expect(dry.body.result).toBe(0);
    expect(await keas.server1.haState()).toBe('ready');
    const since = new Date().toISOString();
    const commandId = mode === 'load-balancing' ? releaseWithCli(haco) : await releaseInConsole();
    const sent = { body: { commandId } };
    await waitForView(`server1 in ${mode}`, 'server1', (v) => v.state === mode && !v.paused);
    await waitForView(`server2 in ${mode}`, 'server2', (v) => v.state === mode);
    // What the real Kea servers then did, as observed from their logs, is what the preview said.
    const previewed = (server: string) =>
      dry.body.arguments.transitions.filter((t) => t.server === server).map((t) => `${t.from} -> ${t.to}`);
    expect(previewed('server1')).toContain(`ready -> ${mode}`);
    for (const server of ['server1', 'server2']) {
      const observed = await waitFor(`${server}'s transitions since the release`, async () => {
        const rows = (
          await coordinator.get<{ transitions: HistoryRow[] }>(
            `/peers/${CLUSTER}/${server}/history?since=${since}&limit=1000`,
          )
        ).transitions
          .filter((row) => row.from !== null && row.from !== row.to)
          .map((row) => `${row.from} -> ${row.to}`);
        return rows.length >= previewed(server).length ? rows : undefined;
      });
      expect([server, observed]).toEqual([server, previewed(server)]);
    }
    expect(dry.body.arguments.servers.map((s) => [s.server, s.state, s.paused]).sort()).toEqual([
      ['server1', mode, false],
      ['server2', mode, false],
    ]);
    const record = await waitFor('the continue and Kea\u2019s continue line', async () => {
      const r = await coordinator.get<{
        issued: { data: Record<string, unknown> };
        outcome: { type: string; data: Record<string, unknown> };
        effects: { type: string }[];
      }>(`/commands/${sent.body.commandId}`);
      return r.effects.some((e) => e.type === 'StateMachineContinued') ? r : undefined;
    });
    expect(record.issued.data).toMatchObject({
      who: 'admin',
      why: 'leases checked',
      guard: 'ready',
      peer: 'server1',
    });
    expect(record.outcome).toMatchObject({
      type: 'CommandCompleted',
      data: { response: { result: 0, text: 'HA state machine continues.' } },
    });
  });

  it('records exactly the transitions each Kea server logged, in order', async () => {
    for (const name of ['server1', 'server2'] as const) {
      const logged = keas[name].loggedTransitions();
      expect(logged.length).toBeGreaterThanOrEqual(3);
      await waitFor(`${name}'s transitions recorded`, async () =>
        JSON.stringify(await recordedTransitions(name)) === JSON.stringify(logged) ? true : undefined,
      );
    }
  });

  it('loses nothing when Kea rotates its log during observation', async () => {
    // Kea logs every command it receives: enough of them make it rotate (at its smallest size, 200 KiB).
    while (!existsSync(`${keas.server1.logFile}.1`)) {
      await Promise.all(Array.from({ length: 50 }, () => keas.server1.command('version-get')));
    }
    const sent = await coordinator.post<{ result: number }>(`/peers/${CLUSTER}/server1/commands`, {
      command: 'ha-maintenance-start',
      why: 'rotation test',
    });
    expect(sent.body.result).toBe(0);
    await waitForView(
      'server1 partner-in-maintenance',
      'server1',
      (v) => v.state === 'partner-in-maintenance',
    );
    // Kea is still working through the commands that made it rotate: a cancel it had no time to answer
    // (Kea's own 5 s) is sent again, as an operator would; this test is about the rotation.
    await waitFor(
      'the maintenance cancelled',
      async () => {
        // A late answer may have cancelled it already: then there is nothing to send again.
        if ((await view('server1')).state !== 'partner-in-maintenance') return true;
        const answer = await coordinator.post<{ result: number }>(`/peers/${CLUSTER}/server1/commands`, {
          command: 'ha-maintenance-cancel',
          why: 'rotation test',
        });
        return answer.body.result === 0 ? true : undefined;
      },
      30_000,
    );
    await waitForView(`server1 back in ${mode}`, 'server1', (v) => v.state === mode);
    for (const name of ['server1', 'server2'] as const) {
      const logged = keas[name].loggedTransitions();
      await waitFor(`${name}'s transitions recorded across the rotation`, async () =>
        JSON.stringify(await recordedTransitions(name)) === JSON.stringify(logged) ? true : undefined,
      );
    }
  });

  it('shows a killed server unreachable, and its partner\u2019s way to partner-down as Kea logged it', async () => {
    await keas.server2.kill('SIGKILL');
    const killedAt = Date.now();
    await waitForView('server2 unreachable', 'server2', (v) => v.status === 'unreachable');
    expect(Date.now() - killedAt).toBeLessThan(6_000);
    await waitForView('server1 in partner-down', 'server1', (v) => v.state === 'partner-down');
    // Kea's failover progress, as status-get's remote reported it, is in the stream too.
    const exported = await coordinator.text(`/streams/${CLUSTER}/server1/export`);
    const progress = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: { communication?: { status: string } } })
      .filter((event) => event.type === 'CommunicationObserved')
      .map((event) => event.data.communication?.status);
    expect(progress).toEqual(expect.arrayContaining(['interrupted']));
    // Kea's failed heartbeats, as its log names them, are in the stream as the heartbeats they were.
    const keaLog = readFileSync(keas.server1.logFile, 'utf8');
    const failedInLog = (keaLog.match(/HA_HEARTBEAT_(COMMUNICATIONS_)?FAILED/g) ?? []).length;
    expect(failedInLog).toBeGreaterThan(0);
    const failedInStream = async () =>
      (await coordinator.text(`/streams/${CLUSTER}/server1/export`)).body
        .split('\n')
        .filter((line) => line.includes('"type":"HeartbeatFailed"')).length;
    await waitFor('the failed heartbeats recorded', async () =>
      (await failedInStream()) >= failedInLog ? true : undefined,
    );
    const logged = keas.server1.loggedTransitions();
    await waitFor('server1\u2019s transitions recorded', async () =>
      JSON.stringify(await recordedTransitions('server1')) === JSON.stringify(logged) ? true : undefined,
    );
    const replay = await coordinator.get<{ verified: boolean }>(`/replay/verify?stream=${CLUSTER}/server1`);
    expect(replay.verified).toBe(true);
  });

  it('after a kill -9 of the watcher, fills in from Kea\u2019s logs what happened meanwhile, and marks the gap', async () => {
    await watcher.stop('SIGKILL');
    // Meanwhile server2 comes back: both servers move while nobody watches.
    await keas.server2.restart();
    await waitFor(
      `both Kea servers in ${mode}`,
      async () =>
        (await keas.server1.haState()) === mode && (await keas.server2.haState()) === mode ? true : undefined,
      60_000,
    );
    watcher = OwnedProcess.startTs(WATCH_MAIN, ['--config', watchConfig], PROJECT_ROOT);
    for (const name of ['server1', 'server2'] as const) {
      const logged = keas[name].loggedTransitions();
      await waitFor(`${name}'s transitions complete`, async () =>
        JSON.stringify(await recordedTransitions(name)) === JSON.stringify(logged) ? true : undefined,
      );
      const seen = await view(name);
      expect(seen).toMatchObject({
        state: mode,
        lastObservationGap: { from: expect.any(String), to: expect.any(String) },
      });
    }
    const rows = (
      await coordinator.get<{ transitions: HistoryRow[] }>(`/peers/${CLUSTER}/server1/history?limit=1000`)
    ).transitions;
    expect(rows.some((row) => row.cause === 'observed:kea-log:backfilled')).toBe(true);
  });

  it('raised no false alarm from the shadow check; a planted impossible transition is flagged', async () => {
    const unexplained = async (name: string) => {
      const metrics = await (await fetch(`${coordinator.url}/metrics`)).text();
      return new RegExp(
        `haco_peer_unexplained_transitions_total\\{cluster="${CLUSTER}",peer="${name}"\\} (\\d+)`,
      ).exec(metrics)?.[1];
    };
    const flagged = async (name: string) =>
      (
        await coordinator.get<{ transitions: (HistoryRow & { partnerState?: string })[] }>(
          `/peers/${CLUSTER}/${name}/history?limit=1000`,
        )
      ).transitions
        .filter((row) => row.cause.includes(':unexplained'))
        .map((row) => `${row.from} -> ${row.to} (partner ${row.partnerState})`);
    expect([await flagged('server1'), await flagged('server2')]).toEqual([[], []]);
    expect([await unexplained('server1'), await unexplained('server2')]).toEqual(['0', '0']);
    // A crafted line: load-balancing straight to syncing, which no rule or command of Kea 2.2 does.
    const from = mode === 'load-balancing' ? 'LOAD-BALANCING' : 'HOT-STANDBY';
    // Kea's layout, in local time as Kea writes it.
    const local = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000)
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    appendFileSync(
      keas.server2.logFile,
      `${local} INFO  [kea-dhcp4.ha-hooks/1.1] HA_STATE_TRANSITION server transitions from ${from} to SYNCING state, partner state is ${from}\n`,
    );
    await waitFor('the planted transition flagged', async () =>
      (await unexplained('server2')) === '1' ? true : undefined,
    );
    const rows = (
      await coordinator.get<{ transitions: HistoryRow[] }>(`/peers/${CLUSTER}/server2/history?limit=1000`)
    ).transitions;
    expect(
      rows.filter((row) => row.cause.includes(':unexplained')).map((row) => `${row.from} -> ${row.to}`),
    ).toEqual([`${mode} -> syncing`]);
    expect(await view('server2')).toMatchObject({ unexplainedTransitions: 1 });
  });
});

/** An anonymous status-get to a Control Agent: its HTTP status, or the connection's error. */
function askAgent(url: string, tls: { ca?: Buffer; cert?: Buffer; key?: Buffer }): Promise<number> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' }, ...tls },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end('{"command": "status-get", "service": ["dhcp4"]}');
  });
}
