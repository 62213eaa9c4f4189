import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { sleep, waitFor } from '../../tools/harness/processes';

jest.setTimeout(90_000);

/**
 * /metrics when NATS hangs (nats-server stopped with SIGSTOP): a scrape answers from what the coordinator
 * already holds, at once, and says that the JetStream backlog figure is stale; no sample is ever NaN.
 */
describe('/metrics while NATS hangs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-metrics-hang-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  const scrape = async (): Promise<{ ms: number; body: string }> => {
    const started = performance.now();
    const body = (await coordinator.text('/metrics')).body;
    return { ms: performance.now() - started, body };
  };

  beforeAll(async () => {
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
  });
  afterAll(async () => {
    process.kill(nats.pid, 'SIGCONT');
    await coordinator.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers within 100 ms, marks the backlog stale, and prints no NaN', async () => {
    await waitFor('a first backlog figure', async () =>
      /^haco_ingest_pending_stale 0$/m.test((await scrape()).body) ? true : undefined,
    );
    const before = await scrape();
    expect(before.body).toMatch(/^haco_ingest_pending_messages 0$/m);
    expect(before.body).toMatch(/^haco_build_info\{version="\d+\.\d+\.\d+",node="v\d+/m);
    process.kill(nats.pid, 'SIGSTOP');
    const times: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const { ms, body } = await scrape();
      times.push(ms);
      expect(body).not.toMatch(/\bnan\b/i);
      await sleep(1_000);
    }
    expect(Math.max(...times)).toBeLessThan(100);
    const stalled = await scrape();
    expect(stalled.body).toMatch(/^haco_ingest_pending_stale 1$/m);
    // The last figure is kept, with when it was measured, instead of a guess.
    expect(stalled.body).toMatch(/^haco_ingest_pending_messages 0$/m);
    expect(stalled.body).toMatch(/^haco_ingest_pending_measured_timestamp_seconds \d+(\.\d+)?$/m);
    process.kill(nats.pid, 'SIGCONT');
    await waitFor(
      'the backlog fresh again',
      async () => (/^haco_ingest_pending_stale 0$/m.test((await scrape()).body) ? true : undefined),
      30_000,
    );
  });
});
