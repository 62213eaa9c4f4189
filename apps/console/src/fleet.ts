import { html } from 'htm/preact';
import { token } from './api';
import type { PeerView } from './views';
import { ago, colourOf, takeoverText } from './views';

const ALARMING = new Set(['partner-down', 'terminated']);

/** One peer in the fleet: its state in its colour, its pause, its heartbeat, and whether it is there at all. */
function PeerCard({ peer, onOpen }: { peer: PeerView; onOpen: (peer: PeerView) => void }) {
  const disputed = peer.disputed != null;
  // Unknown is the coordinator's own blindness (it just started, or lost NATS), not the peer's fault.
  const alarm = ALARMING.has(peer.state) || (peer.status !== 'up' && peer.status !== 'unknown') || disputed;
  return html`<button
    class=${`peer ${alarm ? 'alarm' : ''}`}
    data-peer=${`${peer.cluster}/${peer.peer}`}
    onClick=${() => onOpen(peer)}
  >
    <span class="name">${peer.peer}</span>
    <span class="role">${peer.role}</span>
    ${
      disputed
        ? html`<span class="state disputed" title="another event claims a place in this stream; see /disputes"
            >${peer.state}?</span
          >`
        : html`<span class="state" style=${`background:${colourOf(peer.state)}`}>${peer.state}</span>`
    }
    ${
      disputed &&
      html`<span class="badge down disputed"
        >DISPUTED · ${peer.disputed?.count} conflicting from #${peer.disputed?.firstSeq}</span
      >`
    }
    ${
      peer.paused &&
      html`<span class="badge paused" title="paused since ${peer.pausedSince}"
        >PAUSED in ${peer.state} · ${peer.pause ?? ''} · ${ago(peer.pausedSince)}</span
      >`
    }
    ${
      peer.waitingOn != null &&
      html`<span class="badge waits" title="Kea's pausing holds the partner too"
        >WAITS on ${peer.waitingOn.peer} (paused in ${peer.waitingOn.pausedIn})</span
      >`
    }
    ${
      peer.splitBrain != null &&
      html`<span
        class="badge down split-brain"
        title="since ${peer.splitBrain.since ?? '?'}; see /split-brains"
        >SPLIT BRAIN · ${peer.splitBrain.scopes.join(',')} also served by ${peer.splitBrain.partner}</span
      >`
    }
    ${peer.observedBy != null && html`<span class="badge kea" title="watched by ${peer.observedBy}">KEA</span>`}
    ${
      (peer.unexplainedTransitions ?? 0) > 0 &&
      html`<span
        class="badge down unexplained"
        title="transitions Kea 2.2's rules would not make; see the history"
        >UNEXPLAINED · ${peer.unexplainedTransitions}</span
      >`
    }
    ${peer.status !== 'up' && html`<span class="badge down">${peer.status.toUpperCase()} · ${ago(peer.statusSince)}</span>`}
    <span class="heartbeat">heartbeat ${ago(peer.lastHeartbeatAt)}</span>
    ${
      takeoverText(peer.failoverForecast) !== null &&
      html`<span class="forecast" title=${peer.failoverForecast?.why ?? ''}
        >${takeoverText(peer.failoverForecast)}</span
      >`
    }
  </button>`;
}

/**
 * The cluster's incident report of the last hour, as one HTML file (fetched with the token, since reads
 * may be protected), opened in a tab of its own.
 */
async function openReport(cluster: string): Promise<void> {
  const since = new Date(Date.now() - 3_600_000).toISOString();
  const query = new URLSearchParams({ cluster, since, format: 'html' });
  const response = await fetch(`/report?${query.toString()}`, {
    headers: token.get() ? { authorization: `Bearer ${token.get()}` } : {},
  });
  const url = URL.createObjectURL(new Blob([await response.text()], { type: 'text/html' }));
  window.open(url, '_blank');
}

/** Every cluster and its peers, as the coordinator's log tells them. */
export function Fleet({ peers, onOpen }: { peers: readonly PeerView[]; onOpen: (peer: PeerView) => void }) {
  const clusters = [...new Set(peers.map((p) => p.cluster))].sort();
  if (clusters.length === 0) return html`<p class="empty">No peer has reported yet.</p>`;
  return html`<div class="fleet">
    ${clusters.map(
      (cluster) =>
        html`<section class="cluster" data-cluster=${cluster}>
          <h2>
            ${cluster}
            <button class="report" onClick=${() => void openReport(cluster)}>
              incident report, last hour
            </button>
          </h2>
          <div class="peers">
            ${peers
              .filter((p) => p.cluster === cluster)
              .map((peer) => html`<${PeerCard} key=${peer.peer} peer=${peer} onOpen=${onOpen} />`)}
          </div>
        </section>`,
    )}
  </div>`;
}
