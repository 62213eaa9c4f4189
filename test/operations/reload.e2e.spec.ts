import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashToken, writeTokenEntries } from '@haco/common';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { freePort, OwnedProcess, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(60_000);

const RECORD = join(PROJECT_ROOT, 'examples', 'hooks', 'record-event.sh');
const COORDINATOR_MAIN = join(PROJECT_ROOT, 'apps', 'coordinator', 'src', 'main.ts');

/** The JSON log lines a process wrote so far. */
function logLines(process: OwnedProcess): Record<string, unknown>[] {
  return process.output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function logged(process: OwnedProcess, message: string, after = 0): Promise<Record<string, unknown>> {
  return waitFor(`"${message}" in the log`, async () =>
    logLines(process)
      .slice(after)
      .find((line) => line.message === message),
  );
}

/** SIGHUP: what can change without a restart is taken, the rest is named, a bad file is refused. */
describe('reload on SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-reload-'));
  let nats: NatsServer;
  let pair: PeerPair | null = null;

  beforeAll(async () => {
    nats = await NatsServer.start();
  });
  afterAll(async () => {
    await pair?.destroy();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a peer takes new hooks and its log level, names what needs a restart, and refuses a bad file', async () => {
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const peer = pair.processes.get('server1')!;
    const file = pair.configFile('server1');
    const original = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const received = join(dir, 'reloaded-hook.jsonl');
    const ha = (original['high-availability'] as Record<string, unknown>[])[0];
    writeFileSync(
      file,
      JSON.stringify({
        ...original,
        hooks: { list: [{ name: 'late', on: ['dhcp-disabled'], run: [RECORD, received] }] },
        'high-availability': [{ ...ha, 'heartbeat-delay': 400 }],
      }),
    );
    const before = logLines(peer).length;
    process.kill(peer.pid, 'SIGHUP');
    expect(await logged(peer, 'reloaded', before)).toMatchObject({
      reloaded: ['hooks'],
      notReloaded: ['high-availability'],
      hooks: ['late'],
    });
    expect(await logged(peer, 'some changes need a restart', before)).toMatchObject({
      notReloaded: ['high-availability'],
    });
    // The reloaded hook runs on the next event it is for.
    expect((await pair.command('server1', 'dhcp-disable')).result).toBe(0);
    const line = await waitFor('the reloaded hook to run', async () => {
      const text = (() => {
        try {
          return readFileSync(received, 'utf8');
        } catch {
          return '';
        }
      })();
      return text === '' ? undefined : (JSON.parse(text.split('\n')[0]) as Record<string, unknown>);
    });
    expect(line).toMatchObject({ hook: 'late', trigger: 'dhcp-disabled', state: 'load-balancing' });

    // A file that no longer validates is refused whole: the peer runs on, its hooks as they were.
    writeFileSync(file, JSON.stringify({ ...original, hooks: { list: [{ name: 'x', on: ['never'] }] } }));
    const beforeBad = logLines(peer).length;
    process.kill(peer.pid, 'SIGHUP');
    const refused = await logged(
      peer,
      'reload refused: the file does not validate; running on as before',
      beforeBad,
    );
    expect(String(refused.error)).toContain("'on' lists some of state-entered");
    expect((await pair.status('server1')).state).toBe('load-balancing');

    // The log level is taken at once: at warn, the info line of the next reload is not written, its warning is.
    writeFileSync(
      file,
      JSON.stringify({
        ...original,
        'log-level': 'warn',
        'high-availability': [{ ...ha, 'heartbeat-delay': 500 }],
      }),
    );
    const beforeLevel = logLines(peer).length;
    process.kill(peer.pid, 'SIGHUP');
    await logged(peer, 'some changes need a restart', beforeLevel);
    expect(
      logLines(peer)
        .slice(beforeLevel)
        .some((l) => l.message === 'reloaded'),
    ).toBe(false);
    expect(peer.running).toBe(true);
  });

  it('the coordinator reads its tokens file again, takes its log level, and names the sections that need a restart', async () => {
    const tokensFile = join(dir, 'tokens.json');
    writeTokenEntries(tokensFile, [
      { name: 'alice', role: 'viewer', sha256: hashToken('alice-token-0123456789') },
    ]);
    const settingsFile = join(dir, 'coordinator.json');
    const port = await freePort();
    const settings = {
      nats: { servers: [nats.url] },
      database: { path: join(dir, 'events.sqlite') },
      http: { host: '127.0.0.1', port },
      auth: { tokensFile },
    };
    writeFileSync(settingsFile, JSON.stringify(settings));
    const coordinator = OwnedProcess.startTs(COORDINATOR_MAIN, ['--config', settingsFile], PROJECT_ROOT, {
      HACO_API_TOKEN: '',
      HACO_PROTECT_READS: 'true',
    });
    try {
      const url = `http://127.0.0.1:${port}/peers`;
      const as = (token: string) => fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await waitFor('the coordinator', async () =>
        (await as('alice-token-0123456789').catch(() => null))?.ok ? true : undefined,
      );
      expect((await as('bob-token-0123456789')).status).toBe(401);
      writeTokenEntries(tokensFile, [
        { name: 'alice', role: 'viewer', sha256: hashToken('alice-token-0123456789') },
        { name: 'bob', role: 'viewer', sha256: hashToken('bob-token-0123456789') },
      ]);
      const changed = { ...settings, http: { ...settings.http, sseKeepAliveMs: 5_000 } };
      writeFileSync(settingsFile, JSON.stringify(changed));
      const before = logLines(coordinator).length;
      process.kill(coordinator.pid, 'SIGHUP');
      expect(await logged(coordinator, 'reloaded', before)).toMatchObject({
        reloaded: ['tokens file'],
        notReloaded: ['http'],
      });
      expect((await as('bob-token-0123456789')).status).toBe(200);
      // The log level is taken at once: at warn, the next reload's info line is not written, its warning is.
      writeFileSync(settingsFile, JSON.stringify({ ...changed, logLevel: 'warn' }));
      const beforeLevel = logLines(coordinator).length;
      process.kill(coordinator.pid, 'SIGHUP');
      await logged(coordinator, 'some changes need a restart', beforeLevel);
      expect(
        logLines(coordinator)
          .slice(beforeLevel)
          .some((line) => line.message === 'reloaded'),
      ).toBe(false);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${coordinator.output.join('').slice(-3000)}`);
    } finally {
      await coordinator.stop();
    }
  });
});
