import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { PausedCluster } from '../support/paused-cluster';
import type { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

jest.setTimeout(120_000);

describe('the haco CLI against a running cluster', () => {
  let cluster: PausedCluster;
  let pair: PeerPair;
  const haco = (args: string[], token: string | null = CoordinatorProcess.TOKEN) =>
    spawnSync(join(PROJECT_ROOT, 'bin', 'haco'), args, {
      cwd: cluster.dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        HACO_URL: cluster.coordinator.url,
        HACO_TOKEN: token ?? '',
        HACO_DB: cluster.dbPath,
      },
      timeout: 60_000,
    });

  beforeAll(async () => {
    // The API token is dave's: the record's who is the token's name.
    cluster = await PausedCluster.start('haco-cli-', () => ({ HACO_API_TOKEN_NAME: 'dave' }));
    pair = cluster.pair;
  });
  afterAll(async () => cluster.destroy());

  it('status shows a table of peers with the pause', () => {
    const result = haco(['status']);
    expect(result.status).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^PEER\s+STATE\s+PAUSED\s+IN STATE\s+PARTNER\s+SCOPES\s+HEARTBEAT\s+TAKEOVER$/,
    );
    expect(result.stdout).toMatch(new RegExp(`${pair.cluster}/server1\\s+ready\\s+yes, \\d+s ago`));
    // Kea's pausing holds the partner too: server2 says whose pause it waits on.
    expect(result.stdout).toMatch(
      new RegExp(
        `${pair.cluster}/server2\\s+(waiting|syncing|ready)\\s+no; waits on server1 \\(paused in ready\\)`,
      ),
    );
  });

  it('continue without the token is refused with exit 1, and with it continues the peer', async () => {
    const refused = haco(['continue', `${pair.cluster}/server1`, '--reason', 'x'], null);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('haco: refused (401)');
    const continued = haco([
      'continue',
      `${pair.cluster}/server1`,
      '--reason',
      'leases checked',
      '--on-behalf-of',
      'erin',
      '--guard',
      'ready',
      '--wait',
      '--timeout',
      '30',
    ]);
    expect(continued.status).toBe(0);
    expect(JSON.parse(continued.stdout)).toEqual({ result: 0, text: 'HA state machine continues.' });
    expect(continued.stderr).toMatch(/command [0-9a-f-]{36} recorded/);
    // --wait returned only once the coordinator saw the peer leave its pause.
    expect(continued.stderr).toMatch(new RegExp(`${pair.cluster}/server1 is no longer paused: \\S+`));
    await pair.waitForState('server1', 'load-balancing');
  });

  it('command sends any Kea command and exits 1 on a Kea error', () => {
    const answer = haco([
      'command',
      `${pair.cluster}/server1`,
      '{"command": "ha-maintenance-cancel"}',
      '--reason',
      'probe',
    ]);
    expect(answer.status).toBe(1);
    expect(JSON.parse(answer.stdout)).toMatchObject({
      result: 1,
      text: expect.stringContaining('not in the partner-in-maintenance state'),
    });
    expect(haco(['command', `${pair.cluster}/server1`, 'not json']).status).toBe(2);
  });

  it('history lists the transitions, filtered, also as JSON lines', async () => {
    await waitFor('load-balancing in the history', async () =>
      haco(['history', `${pair.cluster}/server1`, '--json']).stdout.includes('"to":"load-balancing"')
        ? true
        : undefined,
    );
    const lines = haco(['history', `${pair.cluster}/server1`, '--json', '--state', 'load-balancing'])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { to: string; from: string });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((t) => t.to === 'load-balancing' || t.from === 'load-balancing')).toBe(true);
    expect(haco(['history']).stdout).toMatch(/^TIME\s+PEER\s+FROM\s+TO\s+AFTER\s+CAUSE\s+COMMAND/);
    expect(haco(['history', '--since', 'yesterday-ish']).status).toBe(2);
  });

  it('replay --verify and export read the store', () => {
    const replay = haco(['replay', '--verify']);
    expect(replay.stdout).toContain(`OK        ${pair.cluster}/server1`);
    expect(replay.status).toBe(0);
    const exported = haco(['export', `${pair.cluster}/server1`]);
    expect(exported.status).toBe(0);
    const first = JSON.parse(exported.stdout.split('\n')[0]) as { seq: number; type: string };
    expect(first).toMatchObject({ seq: 1, type: 'ServiceStarted' });
    expect(haco(['export', 'nobody/none']).status).toBe(1);
  });

  it('reads --url=URL and --url URL alike, and shows the peers as JSON and again under --watch', () => {
    const equals = haco([`--url=${cluster.coordinator.url}`, 'status', '--json']);
    expect(equals.status).toBe(0);
    const peers = (JSON.parse(equals.stdout) as { peers: { peer: string }[] }).peers.map((p) => p.peer);
    expect(peers).toEqual(expect.arrayContaining(['server1', 'server2']));
    const spaced = haco(['--url', cluster.coordinator.url, 'status', '--json']);
    expect(JSON.parse(spaced.stdout)).toMatchObject({ peers: expect.any(Array) });
    const watched = haco(['status', '--json', '--watch', '0.2', '--times', '2']);
    expect(watched.status).toBe(0);
    const screens = watched.stdout.trim().split('\n');
    expect(screens).toHaveLength(2);
    for (const screen of screens) expect(JSON.parse(screen)).toMatchObject({ peers: expect.any(Array) });
  });

  it('answers --help on stdout with exit 0, for the program and every subcommand', () => {
    const help = haco(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: haco /);
    for (const command of ['status', 'history', 'continue', 'command', 'replay', 'export', 'completion']) {
      const sub = haco([command, '--help']);
      expect({ command, status: sub.status }).toEqual({ command, status: 0 });
      expect(sub.stdout).toContain(`Usage: haco ${command}`);
    }
  });

  it('refuses unknown subcommands and options with a message and exit 2', () => {
    const command = haco(['stauts']);
    expect(command.status).toBe(2);
    expect(command.stderr).toContain("unknown command 'stauts'");
    expect(command.stderr).toContain('status');
    const option = haco(['status', '--jsn']);
    expect(option.status).toBe(2);
    expect(option.stderr).toContain("unknown option '--jsn'");
  });

  it('prints a bash completion script of its own commands', () => {
    const completion = haco(['completion']);
    expect(completion.status).toBe(0);
    expect(completion.stdout).toContain('complete -F _haco haco');
    for (const word of ['status', 'history', 'continue', '--watch', '--wait', '--guard']) {
      expect(completion.stdout).toContain(word);
    }
  });

  it('history tells the whole story: the start, the pause, the continue with who and why', () => {
    const rows = haco(['history', `${pair.cluster}/server1`, '--json'])
      .stdout.trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            cause: string;
            from: string;
            to: string;
            who: string | null;
            why: string | null;
            commandId: string | null;
          },
      );
    const causes = rows.map((r) => r.cause);
    expect(causes[0]).toBe('started');
    expect(causes).toContain('paused:once');
    const continued = rows.find((r) => r.cause === 'continued');
    expect(continued).toMatchObject({ from: 'ready', to: 'ready', who: 'dave', why: 'leases checked' });
    expect(causes.indexOf('paused:once')).toBeLessThan(causes.indexOf('continued'));
    const table = haco(['history', `${pair.cluster}/server1`]).stdout;
    expect(table.split('\n')[0]).toMatch(/^TIME\s+PEER\s+FROM\s+TO\s+AFTER\s+CAUSE\s+COMMAND\s+WHO\s+WHY$/);
    expect(table).toMatch(/continued\s+[0-9a-f-]{36}\s+dave\s+leases checked/);
  });

  it('lists every command, so "who released server1, and when" is one command', () => {
    const table = haco([
      'commands',
      '--peer',
      `${pair.cluster}/server1`,
      '--command',
      'ha-continue',
      '--since',
      '1h',
    ]);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+PEER\s+COMMAND\s+WHO\s+WHY\s+OUTCOME\s+ID$/);
    const lines = haco(['commands', '--who', 'dave', '--command', 'ha-continue', '--json'])
      .stdout.trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        peer: 'server1',
        command: 'ha-continue',
        who: 'dave',
        onBehalfOf: 'erin',
        why: 'leases checked',
        guard: 'ready',
        outcome: 'completed',
        result: 0,
      }),
    ]);
    expect(haco(['commands', '--who', 'dave', '--until', '1h', '--json']).stdout.trim()).toBe('');
    expect(haco(['commands', '--since', 'last tuesday']).status).toBe(2);
  });

  it('reads replay and export through the coordinator when HACO_URL is set, and a missing --db is exit 1', () => {
    const local = haco(['export', `${pair.cluster}/server1`, '--db', cluster.dbPath]);
    const remote = haco(['export', `${pair.cluster}/server1`]);
    expect(remote.status).toBe(0);
    const firstLine = (text: string) => JSON.parse(text.split('\n')[0]) as { id: string };
    expect(firstLine(remote.stdout).id).toBe(firstLine(local.stdout).id);
    const missing = haco(['export', `${pair.cluster}/server1`, '--db', '/nonexistent/events.sqlite']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no event log at /nonexistent/events.sqlite');
    expect(haco(['replay', '--verify', '--db', '/nonexistent/events.sqlite']).status).toBe(1);
  });

  it('explains its usage and a bad peer name with exit 2', () => {
    expect(haco([]).status).toBe(2);
    const bad = haco(['continue', 'server1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('PEER must be CLUSTER/PEER');
  });
});
