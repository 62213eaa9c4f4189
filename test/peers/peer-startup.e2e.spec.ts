import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { launchArgs } from '@haco/common';
import { NatsServer } from '../../tools/harness/nats-server';
import { OwnedProcess, waitFor } from '../../tools/harness/processes';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

jest.setTimeout(60_000);

const relationship = LOAD_BALANCING_RELATIONSHIP;

describe('peer start-up, from source and from the build', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-startup-'));
  const built = join(PROJECT_ROOT, 'dist', 'peer', 'main.js');

  beforeAll(() => {
    const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(build.status).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const runners: [string, string[]][] = [
    ['source', ['--import', 'tsx', join(PROJECT_ROOT, 'apps/peer/src/main.ts')]],
    ['build', [built]],
    ['snapshot', launchArgs('peer/main', join(PROJECT_ROOT, 'dist'))],
  ];

  it.each(runners)(
    'refuses a bad file with Kea\u2019s text and the path, starting nothing (%s)',
    (_label, runner) => {
      const dataDir = join(dir, `never-${_label}`);
      const file = join(dir, `bad-${_label}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          'data-dir': dataDir,
          nats: { servers: ['nats://127.0.0.1:1'] },
          'high-availability': [
            { ...relationship, 'state-machine': { states: [{ state: 'ready', pause: 'sometimes' }] } },
          ],
        }),
      );
      const result = spawnSync(process.execPath, [...runner, '--config', file], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(
        "unsupported value sometimes of 'pause' parameter (at high-availability[0].state-machine.states[0].pause)",
      );
      expect(existsSync(dataDir)).toBe(false);
    },
  );

  it('refuses a missing --config with the usage', () => {
    const result = spawnSync(process.execPath, [built], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: npm run peer -- [--check] --config FILE');
  });

  it('runs from the build, answering on its command subject', async () => {
    const nats = await NatsServer.start();
    const file = join(dir, 'good.json');
    writeFileSync(
      file,
      JSON.stringify({
        cluster: 'boot',
        'data-dir': join(dir, 'good'),
        nats: { servers: [nats.url] },
        'high-availability': [relationship],
      }),
    );
    const peer = OwnedProcess.start(process.execPath, [built, '--config', file], PROJECT_ROOT);
    try {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: nats.url });
      const answer = await waitFor('the built peer to answer', async () => {
        const reply = await nc.request('haco.boot.server1.cmd', JSON.stringify({ command: 'ha-heartbeat' }), {
          timeout: 1_000,
        });
        return JSON.parse(new TextDecoder().decode(reply.data)) as {
          result: number;
          arguments: { state: string };
        };
      });
      expect(answer).toMatchObject({ result: 0, arguments: { state: 'waiting' } });
      await nc.close();
    } finally {
      await peer.stop('SIGTERM');
      await nats.destroy();
    }
    expect(await peer.exit()).toBe(0);
  });

  it('stops within a bounded time on SIGTERM even while NATS is unreachable', async () => {
    const nats = await NatsServer.start();
    const file = join(dir, 'lonely.json');
    writeFileSync(
      file,
      JSON.stringify({
        cluster: 'lonely',
        'data-dir': join(dir, 'lonely'),
        nats: { servers: [nats.url] },
        'high-availability': [relationship],
      }),
    );
    const peer = OwnedProcess.startTs(
      join(PROJECT_ROOT, 'apps/peer/src/main.ts'),
      ['--config', file],
      PROJECT_ROOT,
    );
    try {
      await waitFor('the peer to start', async () =>
        peer.output.join('').includes('peer started') ? true : undefined,
      );
    } finally {
      await nats.destroy();
    }
    await waitFor('the peer to lose NATS', async () =>
      peer.output.join('').includes('nats disconnect') ? true : undefined,
    );
    const started = Date.now();
    process.kill(peer.pid, 'SIGTERM');
    const code = await peer.exit();
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(code).toBe(0);
  });

  it('keeps its leases across a restart with the sqlite lease store', async () => {
    const nats = await NatsServer.start();
    const file = join(dir, 'sqlite-leases.json');
    writeFileSync(
      file,
      JSON.stringify({
        cluster: 'leases',
        'data-dir': join(dir, 'sqlite-leases'),
        nats: { servers: [nats.url] },
        leases: { store: 'sqlite', path: join(dir, 'leases.sqlite') },
        'high-availability': [relationship],
      }),
    );
    const { connect } = await import('@nats-io/transport-node');
    const nc = await connect({ servers: nats.url });
    const ask = async (request: unknown) =>
      JSON.parse(
        new TextDecoder().decode(
          (await nc.request('haco.leases.server1.cmd', JSON.stringify(request), { timeout: 2_000 })).data,
        ),
      ) as { result: number; arguments?: { 'hw-address'?: string } };
    const start = () =>
      OwnedProcess.startTs(join(PROJECT_ROOT, 'apps/peer/src/main.ts'), ['--config', file], PROJECT_ROOT);
    try {
      const first = start();
      await waitFor('the peer to answer', async () =>
        (await ask({ command: 'ha-heartbeat' }).catch(() => null))?.result === 0 ? true : undefined,
      );
      const lease = { 'ip-address': '192.0.2.77', 'hw-address': '1a:1b:1c:1d:1e:1f', 'subnet-id': 1 };
      expect(await ask({ command: 'lease4-add', arguments: lease })).toMatchObject({ result: 0 });
      // A clean stop is quick, as Kea's is (its last events published first): no timer holds the process.
      const stopping = Date.now();
      process.kill(first.pid, 'SIGTERM');
      expect(await first.exit()).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(1_500);
      const second = start();
      try {
        await waitFor('the restarted peer to answer', async () =>
          (await ask({ command: 'ha-heartbeat' }).catch(() => null))?.result === 0 ? true : undefined,
        );
        expect(await ask({ command: 'lease4-get', arguments: { 'ip-address': '192.0.2.77' } })).toMatchObject(
          {
            result: 0,
            arguments: { 'hw-address': '1a:1b:1c:1d:1e:1f' },
          },
        );
      } finally {
        await second.stop('SIGTERM');
      }
    } finally {
      await nc.close();
      await nats.destroy();
    }
  });
});
