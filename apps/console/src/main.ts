import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { followLog, get, token } from './api';
import { Fleet } from './fleet';
import { PeerPage } from './peer-page';
import type { PeerView } from './views';

/**
 * haco's console: the fleet at a glance, updated live from the log's event stream, and one peer's
 * timeline, history and actions. Preact with htm templates: no JSX build step beyond esbuild's bundle.
 */
function App() {
  const [peers, setPeers] = useState<PeerView[]>([]);
  // A peer's page has its own URL (#/peers/CLUSTER/PEER): linkable, and a reload stays on it.
  const [open, setOpenState] = useState<string | null>(openedIn(location.hash));
  const setOpen = (peer: string | null) => {
    history.pushState(null, '', peer === null ? '#/' : `#/peers/${peer}`);
    setOpenState(peer);
  };
  useEffect(() => {
    const follow = () => setOpenState(openedIn(location.hash));
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);
  const [refreshed, setRefreshed] = useState(0);
  const [problem, setProblem] = useState('');
  const [tokenText, setTokenText] = useState(token.get());
  const load = async () => {
    const { status, body } = await get<{ peers: PeerView[] }>('/peers');
    if (status >= 400) return setProblem(`the coordinator answered ${status}: set the token`);
    setProblem('');
    setPeers(body.peers);
    setRefreshed((n) => n + 1);
  };
  useEffect(() => {
    void load();
    let pending: ReturnType<typeof setTimeout> | null = null;
    // Each stored event may change a view: reload once per burst, not once per event.
    const stop = followLog(() => {
      pending ??= setTimeout(() => {
        pending = null;
        void load();
      }, 200);
    });
    // Liveness moves with no event (a peer falls silent): the views are read again every few seconds too.
    const ages = setInterval(() => void load(), 5_000);
    return () => {
      stop();
      clearInterval(ages);
    };
  }, []);
  const peer = peers.find((p) => `${p.cluster}/${p.peer}` === open);
  // The partner lane is the peer's configured failover partner, not any other peer of its cluster.
  const partner =
    peer?.partner.name == null
      ? undefined
      : peers.find((p) => p.cluster === peer.cluster && p.peer === peer.partner.name);
  return html`<header>
      <h1>haco</h1>
      <label class="token"
        >API token
        <input
          type="password"
          value=${tokenText}
          onInput=${(e: Event) => setTokenText((e.target as HTMLInputElement).value)}
          onChange=${() => {
            token.set(tokenText);
            void load();
          }}
        />
      </label>
      ${problem && html`<span class="problem">${problem}</span>`}
    </header>
    <main>
      ${
        peer
          ? html`<${PeerPage}
              peer=${peer}
              partner=${partner}
              refreshed=${refreshed}
              onBack=${() => {
                setOpen(null);
                void load();
              }}
            />`
          : html`<${Fleet} peers=${peers} onOpen=${(p: PeerView) => setOpen(`${p.cluster}/${p.peer}`)} />`
      }
    </main>`;
}

/** The peer a URL's hash opens (`#/peers/CLUSTER/PEER`), or null for the fleet. */
function openedIn(hash: string): string | null {
  const match = /^#\/peers\/([^/]+\/[^/]+)$/.exec(hash);
  return match === null ? null : decodeURIComponent(match[1]);
}

render(html`<${App} />`, document.getElementById('app')!);
