import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keaConfig } from '../../tools/harness/kea-server';
import { nodeArgsFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

jest.setTimeout(60_000);

const HACO = join(PROJECT_ROOT, 'bin', 'haco');
const PEER_MAIN = join(PROJECT_ROOT, 'apps', 'peer', 'src', 'main.ts');

function check(...files: string[]) {
  const result = spawnSync(HACO, ['config', 'check', ...files], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `haco config check`: offline, like `kea-dhcp4 -t`, with the texts each process gives at boot. */
describe('haco config check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-config-check-'));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks a peer from another installation and folder as its unit starts it, from the snapshot, and names one another node made', () => {
    if (!existsSync(join(PROJECT_ROOT, 'dist', 'peer', 'main.blob'))) {
      expect(spawnSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT }).status).toBe(0);
    }
    // An installation elsewhere (as /opt/haco): the CLI's bundle, the peer's snapshot, the packages.
    const installation = join(dir, 'opt-haco');
    mkdirSync(join(installation, 'dist', 'cli'), { recursive: true });
    mkdirSync(join(installation, 'dist', 'peer'));
    copyFileSync(join(PROJECT_ROOT, 'package.json'), join(installation, 'package.json'));
    copyFileSync(join(PROJECT_ROOT, 'dist', 'cli', 'haco.js'), join(installation, 'dist', 'cli', 'haco.js'));
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(installation, 'node_modules'));
    const blob = readFileSync(join(PROJECT_ROOT, 'dist', 'peer', 'main.blob'));
    writeFileSync(join(installation, 'dist', 'peer', 'main.blob'), blob);
    // Run from the folder holding the file, named relatively (as from /etc/haco).
    const checkThere = () =>
      spawnSync(
        process.execPath,
        [join(installation, 'dist', 'cli', 'haco.js'), 'config', 'check', 'server2.json'],
        {
          cwd: join(PROJECT_ROOT, 'examples'),
          encoding: 'utf8',
        },
      );
    const ok = checkThere();
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('server2.json: peer configuration OK');
    // The same snapshot as another Node.js made it: its header names another version.
    const version = process.version.slice(1);
    const other = `${version.slice(0, -1)}${version.endsWith('9') ? '8' : '9'}`;
    const stale = Buffer.from(blob);
    stale.write(other, stale.indexOf(version));
    writeFileSync(join(installation, 'dist', 'peer', 'main.blob'), stale);
    const refused = checkThere();
    expect(refused.status).toBe(2);
    expect(`${refused.stdout}${refused.stderr}`).toContain(
      `server2.json: Failed to load the startup snapshot because it was built with Node.js version ${other}`,
    );
    expect(`${refused.stdout}${refused.stderr}`).toContain('Run npm run build again with this node');
  });

  it('accepts the example peers and a whole Kea Dhcp4 configuration carrying the HA hook', () => {
    const kea = file('kea-dhcp4.json', {
      cluster: 'site-a',
      ...keaConfig(dir, {
        'this-server-name': 'server1',
        mode: 'hot-standby',
        peers: [
          { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
          { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'standby' },
        ],
      }),
    });
    const result = check('examples/server1.json', 'examples/server2.json', kea);
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      'examples/server1.json: peer configuration OK',
      'examples/server2.json: peer configuration OK',
      `${kea}: peer configuration OK`,
      // The main job's own pair: server1 pauses once in ready (on purpose), which the review names.
      'WARN PAUSE-HOLDS-PARTNER examples/server1.json high-availability[0].state-machine.states[0]: paused (once) in ready: server2 waits for this server and is held too',
      "WARN STATE-MACHINE-DIFFERS examples/server1.json high-availability[0].state-machine: the state-machine pauses differ from server2's: ready once here, no pause there",
    ]);
  });

  it('refuses a bad peer file with the very text and path the peer gives at boot, and exits 2', () => {
    const bad = file('bad-peer.json', {
      'high-availability': [
        {
          'this-server-name': 'server1',
          mode: 'load-balancing',
          'heartbeat-delay': -5,
          peers: [
            { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
            { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
          ],
        },
      ],
    });
    const result = check('examples/server1.json', bad);
    expect(result.status).toBe(2);
    expect(result.stdout).toContain('examples/server1.json: peer configuration OK');
    const boot = spawnSync(process.execPath, [...nodeArgsFor(PEER_MAIN), '--config', bad], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(boot.status).toBe(2);
    const bootText = boot.stderr.trim().replace(/^haco peer: /, '');
    expect(bootText).toContain('heartbeat-delay');
    expect(result.stderr.trim()).toBe(`${bad}: ${bootText}`);
  });

  it('refuses a file that is not JSON, a hook that is not local, and an unknown setting', () => {
    expect(check(file('not-json.json', '{ "cluster": ')).stderr).toMatch(
      /not-json\.json: cannot read .*JSON/,
    );
    const remoteHook = file('remote-hook.json', {
      'high-availability': [LOAD_BALANCING_RELATIONSHIP],
      hooks: { list: [{ name: 'leak', on: ['state-entered'], post: 'http://203.0.113.9/ha' }] },
    });
    const remote = check(remoteHook);
    expect(remote.status).toBe(2);
    expect(remote.stderr).toContain(
      "'post' must be a local URL (localhost, 127.0.0.0/8 or [::1]), not 203.0.113.9",
    );
    expect(remote.stderr).toContain('hooks.list.0.post');
    const typo = check(file('typo.json', { 'high-availabilty': [] }));
    expect(typo.stderr).toContain('unknown setting high-availabilty');
  });

  it('checks the watcher’s and the coordinator’s files too', () => {
    const watch = {
      cluster: 'site-a',
      'data-dir': '/var/lib/haco/watch',
      servers: [{ name: 'server1', control: { socket: '/run/kea/kea4.sock' } }],
    };
    const coordinator = {
      nats: { servers: ['nats://127.0.0.1:4222'] },
      http: { host: '127.0.0.1', port: 8080 },
    };
    const good = check(file('watch.json', watch), file('coordinator.json', coordinator));
    expect(good.stdout).toContain('watch.json: kea-watch configuration OK');
    expect(good.stdout).toContain('coordinator.json: coordinator configuration OK');
    expect(good.status).toBe(0);
    const bad = check(
      file('bad-watch.json', {
        ...watch,
        servers: [{ name: 'server1', control: { socket: '/s' }, 'poll-interval': 5 }],
      }),
      file('bad-coordinator.json', { ...coordinator, http: { port: 70000 } }),
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("'poll-interval' must be at least 100 ms");
    expect(bad.stderr).toMatch(/bad-coordinator\.json: .*http\.port/);
  });

  it('reviews a pair’s pauses: lines with a code, the file and the path, or JSON; warnings do not fail', () => {
    const server = (name: string, states: Record<string, string>, extra: Record<string, unknown> = {}) => ({
      cluster: 'review',
      'high-availability': [
        {
          ...LOAD_BALANCING_RELATIONSHIP,
          'this-server-name': name,
          'heartbeat-delay': 10_000,
          'max-response-delay': 60_000,
          ...extra,
          'state-machine': { states: Object.entries(states).map(([state, pause]) => ({ state, pause })) },
        },
      ],
    });
    const one = file('review-1.json', server('server1', { waiting: 'always', 'partner-down': 'once' }));
    const two = file('review-2.json', server('server2', { waiting: 'always' }));
    const result = check(one, two, '--failover-target', '30000');
    expect(result.status).toBe(0);
    const warnings = result.stdout.split('\n').filter((line) => line.startsWith('WARN '));
    expect(warnings).toEqual(
      expect.arrayContaining([
        `WARN PAUSE-PARTNER-DOWN ${one} high-availability[0].state-machine.states[1]: paused (once) in partner-down: the partner's clients stay unserved until an operator releases it`,
        expect.stringMatching(
          new RegExp(
            `^WARN PAUSE-WAITING-BOTH ${one} high-availability\\[0\\]\\.state-machine\\.states\\[0\\]: both servers pause always in waiting`,
          ),
        ),
        expect.stringMatching(
          new RegExp(
            `^WARN PAUSE-HOLDS-PARTNER ${two} high-availability\\[0\\]\\.state-machine\\.states\\[0\\]: paused \\(always\\) in waiting: server1 waits`,
          ),
        ),
        expect.stringMatching(
          new RegExp(`^WARN STATE-MACHINE-DIFFERS ${one} high-availability\\[0\\]\\.state-machine: `),
        ),
        expect.stringMatching(
          new RegExp(
            `^WARN FAILOVER-SLOWER-THAN-TARGET ${two} high-availability\\[0\\]\\.heartbeat-delay: partner-down may take up to 80000 ms`,
          ),
        ),
      ]),
    );
    // A finding about the pair is told once.
    expect(warnings.filter((line) => line.includes('PAUSE-WAITING-BOTH'))).toHaveLength(1);
    const json = JSON.parse(check(one, two, '--json').stdout) as {
      files: { file: string; ok: boolean }[];
      warnings: { code: string; file: string; path: string; server: string }[];
    };
    expect(json.files).toEqual([
      { file: one, kind: 'peer', ok: true, error: null },
      { file: two, kind: 'peer', ok: true, error: null },
    ]);
    expect(json.warnings).toContainEqual({
      code: 'PAUSE-PARTNER-DOWN',
      file: one,
      path: 'high-availability[0].state-machine.states[1]',
      server: 'server1',
      text: "paused (once) in partner-down: the partner's clients stay unserved until an operator releases it",
    });
    // One file alone has no partner to hold or differ from.
    expect(check(two).stdout).not.toContain('WARN');
  });
});
