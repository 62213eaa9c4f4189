import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import { commandSubject, eventSubject, partnerSubject } from '@haco/contracts';
import { SOURCE_HEADER } from '@haco/nats';
import { launchArgs } from '@haco/common';
import { NatsServer } from '../../tools/harness/nats-server';
import { OwnedProcess, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

jest.setTimeout(90_000);

/**
 * A peer as the units, compose and the main job start it: from its startup snapshot (npm run build), whose
 * heap was made once, in the build's process. What must differ between processes must differ.
 */
describe('a peer started from its startup snapshot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-snapshot-'));
  const dist = join(PROJECT_ROOT, 'dist');
  let nats: NatsServer;
  let nc: NatsConnection;

  beforeAll(async () => {
    if (process.env.HACO_TEST_BUILT !== '1') {
      const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
      expect(build.status).toBe(0);
    }
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One start: the reply subject of its first request to its (absent) partner and its first event's source. */
  async function startOnce(file: string): Promise<{ pid: number; reply: string; source: string }> {
    const requests: Msg[] = [];
    const events: Msg[] = [];
    const toPartner = nc.subscribe(partnerSubject('snap', 'server2'), {
      callback: (_e, m) => void requests.push(m),
    });
    const published = nc.subscribe(eventSubject('snap', 'server1'), {
      callback: (_e, m) => void events.push(m),
    });
    await nc.flush();
    const peer = OwnedProcess.start(
      process.execPath,
      [...launchArgs('peer/main', dist), '--config', file],
      PROJECT_ROOT,
    );
    try {
      const reply = await waitFor('a request to the partner', async () => requests[0]?.reply);
      const source = await waitFor('an event published', async () => events[0]?.headers?.get(SOURCE_HEADER));
      const answer = await nc.request(
        commandSubject('snap', 'server1'),
        JSON.stringify({ command: 'ha-heartbeat' }),
      );
      expect(JSON.parse(new TextDecoder().decode(answer.data))).toMatchObject({ result: 0 });
      return { pid: peer.pid, reply, source };
    } finally {
      toPartner.unsubscribe();
      published.unsubscribe();
      await peer.stop('SIGTERM');
      expect(await peer.exit()).toBe(0);
    }
  }

  it('runs, and two starts from the one snapshot are two processes: their own pid and run id, NATS ids never repeated', async () => {
    const file = join(dir, 'snap.json');
    writeFileSync(
      file,
      JSON.stringify({
        cluster: 'snap',
        'data-dir': join(dir, 'snap'),
        nats: { servers: [nats.url] },
        'high-availability': [{ ...LOAD_BALANCING_RELATIONSHIP, 'heartbeat-delay': 500 }],
      }),
    );
    const first = await startOnce(file);
    const second = await startOnce(file);
    // The publisher's instance (host/pid/run) is this process's, not the build's.
    expect(first.source).toContain(`/${first.pid}/`);
    expect(second.source).toContain(`/${second.pid}/`);
    expect(second.source.split('/')[2]).not.toBe(first.source.split('/')[2]);
    // The NATS client's unique ids (inboxes) are seeded again in each process: were they the snapshot's,
    // both starts would make the very same reply subject.
    expect(second.reply).not.toBe(first.reply);
  });

  it('is made from a bundle that is ASCII only (V8 keeps such a source at one byte a character)', () => {
    const bundle = readFileSync(join(dist, 'peer', 'main.snapshot.js'), 'latin1');
    expect(bundle.length).toBeGreaterThan(100_000);
    expect(/[\u0080-\uffff]/.test(bundle)).toBe(false);
  });
});
