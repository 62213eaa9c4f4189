import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { EventEnvelope } from '@haco/contracts';
import { eventHash } from '@haco/contracts';
import { launchChromium } from '../../tools/harness/chromium';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(180_000);

interface ChainAnswer {
  verified: boolean;
  firstBroken: {
    stream: string;
    problem: string;
    previous: number | null;
    seq: number;
    detail: string;
  } | null;
  streams: { stream: string; events: number; lastSeq: number; lastHash: string; broken: unknown }[];
}

/**
 * The hash chain on a live pair: the coordinator's chain heads are the peers' own, an export verifies with
 * nothing but the CLI, and a row changed in the database (as someone with the file would change it) is
 * named by the API, the CLI and the console.
 */
describe('the hash chain of a live pair', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-chain-'));
  const db = join(dir, 'events.sqlite');
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair;
  const haco = (args: string[]) =>
    spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), args, {
      encoding: 'utf8',
      env: { ...process.env, HACO_URL: coordinator.url, HACO_TOKEN: CoordinatorProcess.TOKEN },
    });

  beforeAll(async () => {
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, db);
    pair = new PeerPair(nats, { settings: { 'heartbeat-delay': 300 } });
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
  });
  afterAll(async () => {
    await pair?.destroy();
    await coordinator?.stop();
    await nats?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const stream = (name: string) => `${pair.cluster}/${name}`;

  it('holds, and each stream’s head is the hash of the peer’s own last event', async () => {
    // While the pair runs and its heartbeats are stored, each check stops at the head it read first.
    for (let i = 0; i < 5; i += 1)
      expect(await coordinator.get<ChainAnswer>('/audit/verify')).toMatchObject({ verified: true });
    // Stopped, each peer's outbox ends with its last event, and the coordinator has them all.
    await pair.processes.get('server2')!.stop('SIGTERM');
    await pair.processes.get('server1')!.stop('SIGTERM');
    for (const name of ['server1', 'server2'])
      await waitFor(`${name}'s events stored`, async () => {
        const { lastSeq } = pair.outboxState(name);
        const answer = await coordinator.get<ChainAnswer>(`/audit/verify?stream=${stream(name)}`);
        return answer.streams[0]?.lastSeq === lastSeq ? answer : undefined;
      });
    const answer = await coordinator.get<ChainAnswer>('/audit/verify');
    expect(answer).toMatchObject({ verified: true, firstBroken: null });
    for (const name of ['server1', 'server2']) {
      const lines = readFileSync(join(pair.dataDir(name), 'events.jsonl'), 'utf8')
        .trim()
        .split('\n');
      const last = JSON.parse(lines[lines.length - 1]) as EventEnvelope;
      const report = answer.streams.find((s) => s.stream === stream(name))!;
      expect(report).toMatchObject({ broken: null, lastSeq: last.seq, lastHash: eventHash(last) });
    }
    // A stream that does not read is 400 with its field; one the log never saw is 404.
    const ask = async (query: string) => {
      const response = await fetch(`${coordinator.url}/audit/verify?${query}`, {
        headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      });
      return { status: response.status, body: (await response.json()) as { error?: string } };
    };
    const bad = await ask('stream=server1');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("'stream' must be CLUSTER/PEER");
    expect((await ask('stream=nowhere/nobody')).status).toBe(404);
    const cli = haco(['audit', 'verify']);
    expect(cli.status).toBe(0);
    expect(cli.stdout).toMatch(
      new RegExp(`verified  ${stream('server1')}: \\d+ events, head #\\d+ [0-9a-f]{64}`),
    );
    expect(cli.stdout).toMatch(/(\d+) of \1 streams verified/);
  });

  it('verifies an export with nothing but the CLI, and names a line changed in it', () => {
    const file = join(dir, 'server1.jsonl');
    const exported = haco(['export', stream('server1')]);
    expect(exported.status).toBe(0);
    writeFileSync(file, exported.stdout);
    const clean = spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), ['audit', 'verify', '--file', file], {
      encoding: 'utf8',
      env: { ...process.env, HACO_URL: 'http://127.0.0.1:9' },
    });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain(`verified  ${stream('server1')}`);
    const lines = exported.stdout.trim().split('\n');
    const edited = JSON.parse(lines[9]) as { at: string; seq: number };
    lines[9] = JSON.stringify({ ...edited, at: '2020-01-01T00:00:00.000Z' });
    writeFileSync(file, `${lines.join('\n')}\n`);
    const tampered = haco(['audit', 'verify', '--file', file]);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain(
      `BROKEN    ${stream('server1')} at #${edited.seq} → #${edited.seq + 1} (link)`,
    );
  });

  it('names a row changed in the database, in the API, the CLI and the console', async () => {
    const writer = new Database(db);
    try {
      writer
        .prepare(`UPDATE events SET data = json_set(data, '$.forged', 1) WHERE stream = ? AND seq = 5`)
        .run(stream('server2'));
    } finally {
      writer.close();
    }
    const answer = await coordinator.get<ChainAnswer>('/audit/verify');
    expect(answer.verified).toBe(false);
    expect(answer.firstBroken).toMatchObject({
      stream: stream('server2'),
      problem: 'link',
      previous: 5,
      seq: 6,
    });
    const cli = haco(['audit', 'verify', '--db', db, '--stream', stream('server2')]);
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`BROKEN    ${stream('server2')} at #5 → #6 (link)`);
    const json = JSON.parse(haco(['audit', 'verify', '--json']).stdout) as ChainAnswer;
    expect(json.verified).toBe(false);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${coordinator.url}/ui/`);
      await page.locator(`[data-peer="${stream('server2')}"]`).click();
      await page.locator('button.chain').click();
      await page.locator('.answer', { hasText: 'hash chain broken at #6' }).waitFor({ timeout: 15_000 });
      await page.locator('button.back').click();
      await page.locator(`[data-peer="${stream('server1')}"]`).click();
      await page.locator('button.chain').click();
      await page.locator('.answer', { hasText: 'hash chain verified' }).waitFor({ timeout: 15_000 });
    } finally {
      await browser.close();
    }
  });
});
