import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeaLogLine } from '../src/kea/kea-log-line';
import { LogFollower } from '../src/kea/log-follower';

const line = (time: string, id: string, text: string) =>
  `2026-12-04 ${time} INFO  [kea-dhcp4.ha-hooks/29401.139627533940416] ${id} ${text}\n`;
const one = (time: string, id: string, text: string) => line(time, id, text).trimEnd();
const transition = (time: string, from: string, to: string) =>
  line(time, 'HA_STATE_TRANSITION', `server transitions from ${from} to ${to} state, partner state is READY`);

/** Kea's log on real files, rotated as Kea's file logger rotates it (rename to .1, a new file). */
describe('following Kea\u2019s log file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'haco-log-'));
    file = join(dir, 'kea-dhcp4.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads complete lines only, and goes on from where it stopped, across a restart', () => {
    writeFileSync(file, transition('21:00:00.000', 'WAITING', 'SYNCING') + 'HA_STATE_TRANS');
    const follower = new LogFollower(file, null);
    expect(follower.read()).toHaveLength(1);
    appendFileSync(file, `ITION half a line\n${transition('21:00:01.000', 'SYNCING', 'READY')}`);
    const again = new LogFollower(file, follower.at);
    const lines = again.read();
    expect(lines.map(readKeaLogLine).filter((seen) => seen !== null)).toEqual([
      expect.objectContaining({ kind: 'transition', from: 'syncing', to: 'ready' }),
    ]);
    expect(again.read()).toEqual([]);
  });

  it('loses nothing when Kea rotates its log between two reads', () => {
    writeFileSync(file, transition('21:00:00.000', 'WAITING', 'SYNCING'));
    const follower = new LogFollower(file, null);
    follower.read();
    appendFileSync(file, transition('21:00:01.000', 'SYNCING', 'READY'));
    renameSync(file, `${file}.1`);
    writeFileSync(
      file,
      line('21:00:02.000', 'HA_STATE_MACHINE_PAUSED', 'state machine paused in state READY'),
    );
    const seen = follower.read().map(readKeaLogLine);
    expect(seen).toEqual([
      expect.objectContaining({ kind: 'transition', from: 'syncing', to: 'ready' }),
      expect.objectContaining({ kind: 'paused', state: 'ready' }),
    ]);
  });

  it('reads a file truncated in place from its start', () => {
    writeFileSync(
      file,
      transition('21:00:00.000', 'WAITING', 'SYNCING') + transition('21:00:01.000', 'SYNCING', 'READY'),
    );
    const follower = new LogFollower(file, null);
    follower.read();
    truncateSync(file, 0);
    appendFileSync(file, transition('21:00:05.000', 'READY', 'LOAD-BALANCING'));
    expect(follower.read().map(readKeaLogLine)).toEqual([
      expect.objectContaining({ kind: 'transition', from: 'ready', to: 'load-balancing' }),
    ]);
  });

  it('reads the HA lines haco needs and nothing else', () => {
    expect(
      readKeaLogLine(one('21:00:00.000', 'HA_SERVICE_STARTED', 'started high availability service')),
    ).toMatchObject({ kind: 'service-started' });
    expect(
      readKeaLogLine(one('21:00:00.000', 'HA_STATE_MACHINE_CONTINUED', 'state machine is un-paused')),
    ).toMatchObject({ kind: 'continued' });
    expect(
      readKeaLogLine(one('21:00:00.000', 'HA_LEASE_UPDATES_ENABLED', 'lease updates will be sent')),
    ).toBeNull();
    expect(
      readKeaLogLine(
        one('21:00:00.000', 'HA_HEARTBEAT_COMMUNICATIONS_FAILED', 'failed to send heartbeat to server2'),
      ),
    ).toMatchObject({ kind: 'heartbeat-failed', reason: 'failed to send heartbeat to server2' });
    expect(
      readKeaLogLine(one('21:00:00.000', 'HA_LEASE_UPDATE_FAILED', 'lease update to server2 failed')),
    ).toMatchObject({
      kind: 'lease-updates-failed',
    });
    expect(readKeaLogLine('not a Kea line')).toBeNull();
  });
});
