import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '../../tools/harness/nats-server';
import { freePort, OwnedProcess, own, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

jest.setTimeout(60_000);

const UNITS = join(PROJECT_ROOT, 'deploy', 'systemd');
const unitNames = readdirSync(UNITS).filter((name) => name.endsWith('.service'));
const unit = (name: string) => readFileSync(join(UNITS, name), 'utf8');
const systemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

/** The unit as installed here: /opt/haco is this clone, /usr/bin/node the Node that runs the tests. */
function installed(dir: string, name: string, as = name): string {
  const text = unit(name).replaceAll('/opt/haco', PROJECT_ROOT).replaceAll('/usr/bin/node', process.execPath);
  const path = join(dir, as);
  writeFileSync(path, text);
  return path;
}

/**
 * A stand-in for systemd's notify socket: a unix datagram socket (which Node cannot open) read by python3,
 * printing each message it gets on one line.
 */
function notifySocket(path: string) {
  const reader = own(
    spawn(
      'python3',
      [
        '-c',
        'import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint("bound",flush=True)\nwhile True:\n  print(s.recv(4096).decode().replace("\\n"," "),flush=True)',
        path,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let text = '';
  reader.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { reader, text: () => text };
}

describe('installable: units, licence, readiness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-units-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has a LICENSE that is the licence package.json names', () => {
    const license = (
      JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { license: string }
    ).license;
    expect(license).toBe('MPL-2.0');
    const text = readFileSync(join(PROJECT_ROOT, 'LICENSE'), 'utf8');
    expect(text.split('\n')[0]).toBe('Mozilla Public License Version 2.0');
    expect(text).toContain('Exhibit A - Source Code Form License Notice');
  });

  it('has a unit for the coordinator, a peer by name and the watcher, each checked before start, restarted, reloadable and sandboxed', () => {
    expect(unitNames.sort()).toEqual([
      'haco-coordinator.service',
      'haco-kea-watch.service',
      'haco-peer@.service',
    ]);
    for (const name of unitNames) {
      const text = unit(name);
      expect(text).toMatch(/^Type=notify$/m);
      expect(text).toMatch(/^NotifyAccess=all$/m);
      expect(text).toMatch(/^ExecStartPre=\/opt\/haco\/bin\/haco config check \/etc\/haco\/\S+\.json$/m);
      expect(text).toMatch(
        /^ExecStart=\/usr\/bin\/node (--snapshot-blob \/opt\/haco\/dist\/\S+\/main\.blob -- |\/opt\/haco\/dist\/\S+\/main\.js )--config /m,
      );
      expect(text).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
      expect(text).toMatch(/^Restart=(always|on-failure)$/m);
      for (const setting of [
        'NoNewPrivileges=yes',
        'ProtectSystem=strict',
        'ProtectHome=yes',
        'PrivateTmp=yes',
        'CapabilityBoundingSet=',
      ]) {
        expect(text).toMatch(new RegExp(`^${setting}$`, 'm'));
      }
      // What ExecStart runs is a bundle or a startup snapshot npm run build makes.
      const built = /dist\/(\S+\/main\.(js|blob))/.exec(text)![1];
      expect(existsSync(join(PROJECT_ROOT, 'dist', built))).toBe(true);
    }
    expect(unit('haco-peer@.service')).toContain('/etc/haco/peer-%i.json');
  });

  (systemdAnalyze ? it : it.skip)('passes systemd-analyze verify, which does catch a planted mistake', () => {
    const files = [
      installed(dir, 'haco-coordinator.service'),
      installed(dir, 'haco-peer@.service', 'haco-peer@server1.service'),
      installed(dir, 'haco-kea-watch.service'),
    ];
    const verified = spawnSync('systemd-analyze', ['verify', '--man=no', ...files], { encoding: 'utf8' });
    expect(verified.stderr + verified.stdout).toBe('');
    expect(verified.status).toBe(0);
    const planted = join(dir, 'haco-planted.service');
    writeFileSync(
      planted,
      readFileSync(files[0], 'utf8').replace('Restart=on-failure', 'Restrat=on-failure'),
    );
    const caught = spawnSync('systemd-analyze', ['verify', '--man=no', planted], { encoding: 'utf8' });
    expect(caught.stderr).toContain("Unknown key 'Restrat'");
  });

  it('tells systemd it is ready (Type=notify) once a peer answers and once the coordinator listens', async () => {
    const nats = await NatsServer.start();
    const socket = join(dir, 'notify.sock');
    const listener = notifySocket(socket);
    try {
      await waitFor('the notify socket', async () => (listener.text().includes('bound') ? true : undefined));
      const peerFile = join(dir, 'peer.json');
      writeFileSync(
        peerFile,
        JSON.stringify({
          cluster: 'ready',
          'data-dir': join(dir, 'peer-data'),
          nats: { servers: [nats.url] },
          'high-availability': [LOAD_BALANCING_RELATIONSHIP],
        }),
      );
      const env = { ...process.env, NOTIFY_SOCKET: socket };
      // The unit's own ExecStart, with this checkout for /opt/haco.
      const [, ...execStart] = /^ExecStart=(.*)$/m
        .exec(unit('haco-peer@.service'))![1]
        .replaceAll('/opt/haco', PROJECT_ROOT)
        .replace('/etc/haco/peer-%i.json', peerFile)
        .split(' ');
      const peer = new OwnedProcess(
        spawn(process.execPath, execStart, {
          cwd: PROJECT_ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      try {
        const line = await waitFor('READY=1 from the peer', async () =>
          listener
            .text()
            .split('\n')
            .find((l) => l.includes('READY=1') && l.includes(`MAINPID=${peer.pid}`)),
        );
        expect(line).toContain('STATUS=1 peer(s) started');
      } finally {
        await peer.stop();
      }
      const port = await freePort();
      const coordinator = new OwnedProcess(
        spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'coordinator', 'main.js')], {
          cwd: PROJECT_ROOT,
          env: {
            ...env,
            HACO_NATS_URL: nats.url,
            HACO_DB: join(dir, 'events.sqlite'),
            HACO_HTTP_PORT: String(port),
            HACO_API_TOKEN: 'units-test-token',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      try {
        const line = await waitFor('READY=1 from the coordinator', async () =>
          listener
            .text()
            .split('\n')
            .find((l) => l.includes('READY=1') && l.includes(`MAINPID=${coordinator.pid}`)),
        );
        expect(line).toContain(`STATUS=serving on http://127.0.0.1:${port}`);
        // Ready means ready: the API answers.
        expect((await fetch(`http://127.0.0.1:${port}/health/live`)).ok).toBe(true);
      } finally {
        await coordinator.stop();
      }
    } finally {
      listener.reader.kill('SIGKILL');
      await nats.destroy();
    }
  });
});
