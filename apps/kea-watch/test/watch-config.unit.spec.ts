import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWatchSettings, WatchConfigError } from '../src/config/watch-config';

/** The watcher's one configuration file: read whole, refused with the field's path. */
describe('the kea-watch configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-watch-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (config: unknown) => {
    const file = join(dir, 'config.json');
    writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
    return readWatchSettings(file);
  };
  const refusal = (config: unknown): WatchConfigError => {
    try {
      read(config);
    } catch (error) {
      if (error instanceof WatchConfigError) return error;
      throw error;
    }
    throw new Error('accepted');
  };
  const server = { name: 'server1', control: { socket: '/run/kea/kea4.sock' } };
  const valid = { cluster: 'site-a', 'data-dir': '/var/lib/haco/watch', servers: [server] };

  it('reads a valid file, with the defaults filled in', () => {
    expect(read(valid)).toEqual({
      cluster: 'site-a',
      nats: { servers: ['nats://127.0.0.1:4222'] },
      dataDir: '/var/lib/haco/watch',
      servers: [{ name: 'server1', control: { socket: '/run/kea/kea4.sock' }, pollIntervalMs: 1000 }],
    });
    const http = read({
      ...valid,
      servers: [
        {
          name: 'server2',
          control: {
            url: 'https://kea2:8000/',
            'basic-auth-user': 'haco',
            'basic-auth-password-file': '/etc/haco/pw',
            'trust-anchor': '/etc/haco/ca.pem',
            'cert-file': '/etc/haco/c.pem',
            'key-file': '/etc/haco/k.pem',
          },
          'log-file': '/var/log/kea.log',
          'poll-interval': 500,
        },
      ],
    });
    expect(http.servers[0]).toEqual({
      name: 'server2',
      control: {
        url: 'https://kea2:8000/',
        basicAuth: { user: 'haco', passwordFile: '/etc/haco/pw' },
        trustAnchor: '/etc/haco/ca.pem',
        certFile: '/etc/haco/c.pem',
        keyFile: '/etc/haco/k.pem',
      },
      logFile: '/var/log/kea.log',
      pollIntervalMs: 500,
    });
  });

  it.each([
    ['no servers', { ...valid, servers: [] }, 'servers', /at least one/],
    ['a cluster name NATS cannot carry', { ...valid, cluster: 'site a' }, 'cluster', /letters, digits/],
    ['a server named twice', { ...valid, servers: [server, server] }, 'servers', /named once/],
    [
      'a control of neither kind',
      { ...valid, servers: [{ name: 'x', control: { pipe: 'y' } }] },
      'servers.0.control',
      /socket/,
    ],
    [
      'a user without a password file',
      { ...valid, servers: [{ name: 'x', control: { url: 'http://k/', 'basic-auth-user': 'u' } }] },
      'servers.0.control',
      /go together/,
    ],
    [
      'a poll every 10 ms',
      { ...valid, servers: [{ ...server, 'poll-interval': 10 }] },
      'servers.0.poll-interval',
      /at least 100/,
    ],
    ['an unknown field', { ...valid, surprise: 1 }, '', /surprise/],
  ])('refuses %s, naming the field', (_what, config, path, reason) => {
    const error = refusal(config);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(reason);
  });

  it('refuses a file that is not JSON', () => {
    expect(refusal('{"cluster": ').message).toMatch(/cannot read/);
  });
});
