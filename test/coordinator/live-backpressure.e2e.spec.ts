import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { fillStore } from '../../tools/harness/filled-store';
import { NatsServer } from '../../tools/harness/nats-server';
import { sleep, waitFor } from '../../tools/harness/processes';

jest.setTimeout(240_000);

/** The resident memory of a process, in MiB, from /proc. */
const rssMiB = (pid: number): number =>
  Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/**
 * The live stream under a client that never reads: on a log of 300,000 events asked from its start, the
 * coordinator reads no further than what the socket takes, its memory stays bounded, and the client is
 * let go after sseStallMs with a log line.
 */
describe('/events/live and a client that never reads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-live-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;

  beforeAll(async () => {
    await fillStore(join(dir, 'events.sqlite'), 300_000);
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'), {
      HACO_SSE_STALL_MS: '3000',
    });
  });
  afterAll(async () => {
    await coordinator.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the coordinator\u2019s memory bounded and disconnects the stalled client, with a log line', async () => {
    // Warm: the projections have folded the log, so what grows afterwards is the live stream's alone.
    await coordinator.get('/peers', null);
    await sleep(1_000);
    const before = rssMiB(coordinator.pid);
    const { port } = new URL(coordinator.url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.pause();
    let closed = false;
    socket.on('close', () => (closed = true));
    socket.on('error', () => undefined);
    socket.write('GET /events/live?after=0 HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    let peak = before;
    for (const end = Date.now() + 2_500; Date.now() < end; await sleep(200))
      peak = Math.max(peak, rssMiB(coordinator.pid));
    // 300,000 events are about 150 MB of SSE text: a coordinator that read them all would hold them.
    expect(peak - before).toBeLessThan(60);
    await waitFor(
      'the stalled client let go',
      async () =>
        /live reader disconnected: it took nothing for too long/.test(coordinator.output())
          ? true
          : undefined,
      15_000,
    );
    socket.resume();
    await waitFor('the socket closed', async () => (closed ? true : undefined), 10_000);
  });
});
