import type { ApiClient } from './api-client';
import { ago, table } from './table';
import type { PeerView } from './views';
import { write } from './views';

export interface StatusOptions {
  readonly json?: boolean;
  /** Refresh every this many seconds until interrupted (or `times` refreshes). */
  readonly watch?: number | true;
  readonly times?: number;
}

const DEFAULT_WATCH_SECONDS = 2;

/** The failover forecast: an upper bound in seconds, "now" in partner-down, "-" when none can be told. */
function takeover(p: PeerView): string {
  const ms = p.failoverForecast?.takeoverInMs;
  if (ms === undefined || ms === null) return '-';
  return ms === 0 ? 'now' : `<= ${(ms / 1000).toFixed(1)}s`;
}

function render(peers: readonly PeerView[], json: boolean): string {
  if (json) return JSON.stringify({ peers });
  const now = Date.now();
  return table(
    ['PEER', 'STATE', 'PAUSED', 'IN STATE', 'PARTNER', 'SCOPES', 'HEARTBEAT', 'TAKEOVER'],
    peers.map((p) => [
      `${p.cluster}/${p.peer}`,
      // A disputed stream's state is not a fact; a peer that is not up keeps its last reported state,
      // marked as what it is now.
      p.disputed != null
        ? `DISPUTED (${p.disputed.count} conflicting event${p.disputed.count === 1 ? '' : 's'} from #${p.disputed.firstSeq}; was ${p.state})`
        : p.splitBrain
          ? `${p.state} (SPLIT BRAIN: ${p.splitBrain.scopes.join(',')} also served by ${p.splitBrain.partner})`
          : p.status === 'up'
            ? p.state
            : `${p.state} (${p.status} ${ago(p.statusSince, now).replace(' ago', '')})`,
      p.paused
        ? `yes, ${ago(p.pausedSince, now)}`
        : p.waitingOn
          ? `no; waits on ${p.waitingOn.peer} (paused in ${p.waitingOn.pausedIn})`
          : 'no',
      ago(p.stateSince, now).replace(' ago', ''),
      p.partner.state,
      p.scopes.join(',') || '-',
      ago(p.lastHeartbeatAt, now),
      takeover(p),
    ]),
  );
}

/** The peers and their states; with --watch, again and again, as `watch` would, until interrupted. */
export async function status(api: ApiClient, options: StatusOptions): Promise<number> {
  const json = options.json === true;
  if (options.watch === undefined) {
    write(render((await api.get<{ peers: PeerView[] }>('/peers')).peers, json));
    return 0;
  }
  const seconds = options.watch === true ? DEFAULT_WATCH_SECONDS : options.watch;
  for (let shown = 0; options.times === undefined || shown < options.times; shown += 1) {
    if (shown > 0) await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const peers = (await api.get<{ peers: PeerView[] }>('/peers')).peers;
    // A terminal is cleared between screens; a pipe gets one screen after the other.
    if (!json && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
    write(render(peers, json));
  }
  return 0;
}
