import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
