import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, post } from './api';
import { describePreview } from './preview';
import type { ReleasePreview } from './preview';
import { Review } from './review';
import { drawTimeline } from './timeline';
import type { CommandRow, HistoryRow, KeaAnswer, PeerView } from './views';
import { colourOf } from './views';

interface Filters {
  state: string;
  cause: string;
  since: string;
  until: string;
}

const query = (peer: string, f: Filters) => {
  const q = new URLSearchParams({ peer, limit: '10000' });
  for (const key of ['state', 'cause'] as const) if (f[key]) q.set(key, f[key]);
  for (const key of ['since', 'until'] as const) if (f[key]) q.set(key, new Date(f[key]).toISOString());
  return `/history?${q}`;
};

/** Continue and replay for one peer, with Kea's answer (or the refusal) shown as it came. */
function Actions({ peer, onDone }: { peer: PeerView; onDone: () => void }) {
  const [answer, setAnswer] = useState<string>('');
  const release = async () => {
    // The preview first (nothing sent or recorded), shown in the dialog that asks why.
    const dry = await post<KeaAnswer & { arguments?: ReleasePreview }>(
      `/peers/${peer.cluster}/${peer.peer}/commands`,
      { command: 'ha-continue', dryRun: true },
    );
    const preview =
      dry.status < 400 && dry.body.arguments ? `${describePreview(dry.body.arguments)}\n\n` : '';
    const reason = window.prompt(
      `${preview}Why release ${peer.cluster}/${peer.peer}, paused in ${peer.state}?`,
    );
    if (reason === null) return;
    const { status, body } = await post<KeaAnswer>(`/peers/${peer.cluster}/${peer.peer}/commands`, {
      // Who is the token's name, recorded by the coordinator; the console only says why.
      command: 'ha-continue',
      why: reason,
      guard: peer.state,
    });
    setAnswer(
      status >= 400 ? `refused (${status}): ${body.text ?? ''}` : `result ${body.result}: ${body.text ?? ''}`,
    );
    // Released: back to the fleet, where the badge goes away as the peer's events arrive. Refused: stay.
    if (status < 400 && body.result === 0) onDone();
  };
  const replay = async () => {
    const { body } = await get<{
      verified: boolean;
      streams: { divergence: { seq: number; reason: string } | null; events: number }[];
    }>(`/replay/verify?stream=${peer.cluster}/${peer.peer}`);
    const s = body.streams[0];
    setAnswer(
      s?.divergence
        ? `replay diverged at seq ${s.divergence.seq}: ${s.divergence.reason}`
        : `replay verified ${s?.events ?? 0} events`,
    );
  };
  const chain = async () => {
    const { status, body } = await get<{
      streams: {
        events: number;
        lastSeq: number;
        lastHash: string;
        broken: { previous: number | null; seq: number; detail: string } | null;
      }[];
    }>(`/audit/verify?stream=${peer.cluster}/${peer.peer}`);
    const s = body.streams?.[0];
    setAnswer(
      s === undefined
        ? `chain not checked (${status})`
        : s.broken !== null
          ? `hash chain broken at #${s.broken.seq}: ${s.broken.detail}`
          : `hash chain verified: ${s.events} events, head #${s.lastSeq} ${s.lastHash.slice(0, 16)}…`,
    );
  };
  return html`<div class="actions">
    ${peer.paused && html`<button class="continue" onClick=${release}>Continue (paused in ${peer.state})</button>`}
    <button class="replay" onClick=${replay}>Verify replay</button>
    <button class="chain" onClick=${chain}>Verify hash chain</button>
    <output class="answer">${answer}</output>
  </div>`;
}

/** One peer: its timeline beside its partner's, its history with the API's filters, and its actions. */
export function PeerPage({
  peer,
  partner,
  refreshed,
  onBack,
}: {
  peer: PeerView;
  partner: PeerView | undefined;
  refreshed: number;
  onBack: () => void;
}) {
  const [rows, setRows] = useState<HistoryRow[]>([]);
  const [partnerRows, setPartnerRows] = useState<HistoryRow[]>([]);
  const [filters, setFilters] = useState<Filters>({ state: '', cause: '', since: '', until: '' });
  const [commands, setCommands] = useState<CommandRow[]>([]);
  const [at, setAt] = useState('');
  const [then, setThen] = useState<PeerView | null>(null);
  const chart = useRef<HTMLDivElement>(null);
  const name = `${peer.cluster}/${peer.peer}`;
  useEffect(() => {
    void get<{ commands: CommandRow[] }>(`/commands?peer=${name}&limit=1000`).then(({ body }) =>
      setCommands(body.commands),
    );
    void get<{ transitions: HistoryRow[] }>(query(name, filters)).then(({ body }) =>
      setRows(body.transitions),
    );
    if (partner !== undefined)
      void get<{ transitions: HistoryRow[] }>(query(`${partner.cluster}/${partner.peer}`, filters)).then(
        ({ body }) => setPartnerRows(body.transitions),
      );
  }, [name, filters, refreshed]);
  useEffect(() => {
    if (chart.current === null) return undefined;
    chart.current.innerHTML = '';
    const lines = [
      { label: name, rows },
      ...(partner ? [{ label: `${partner.cluster}/${partner.peer}`, rows: partnerRows }] : []),
    ];
    return drawTimeline(chart.current, lines, Date.now());
  }, [rows, partnerRows]);
  const exportLines = async () => {
    const response = await fetch(`/streams/${name}/export`, {
      headers: { authorization: `Bearer ${sessionStorage.getItem('haco-token') ?? ''}` },
    });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `${peer.cluster}-${peer.peer}.jsonl`;
    link.click();
  };
  const field = (key: keyof Filters, type = 'text') =>
    html`<label
      >${key}
      <input
        type=${type}
        value=${filters[key]}
        onChange=${(e: Event) => setFilters({ ...filters, [key]: (e.target as HTMLInputElement).value })}
    /></label>`;
  return html`<div class="peer-page">
    <button class="back" onClick=${onBack}>← fleet</button>
    <h2>${name} <span class="state" style=${`background:${colourOf(peer.state)}`}>${peer.state}</span></h2>
    <${Actions} peer=${peer} onDone=${onBack} />
    <${Review} name=${name} refreshed=${refreshed} />
    <div class="timeline" ref=${chart}></div>
    <div class="at">
      <label
        >view at
        <input
          type="datetime-local"
          value=${at}
          onChange=${(e: Event) => setAt((e.target as HTMLInputElement).value)}
      /></label>
      <button
        onClick=${async () => setThen((await get<PeerView>(`/peers/${name}?at=${new Date(at).toISOString()}`)).body)}
      >
        show
      </button>
      ${then && html`<span class="then">${then.state}${then.paused ? ' (paused)' : ''}</span>`}
    </div>
    <div class="filters">
      ${field('state')} ${field('cause')} ${field('since', 'datetime-local')}
      ${field('until', 'datetime-local')} <button onClick=${exportLines}>export JSON lines</button>
    </div>
    <h3>commands</h3>
    <table class="commands">
      <thead>
        <tr>
          <th>time</th>
          <th>command</th>
          <th>who</th>
          <th>why</th>
          <th>outcome</th>
          <th>answer</th>
        </tr>
      </thead>
      <tbody>
        ${commands.map(
          (c) =>
            html`<tr>
              <td><a href=${`/commands/${c.commandId}`} target="_blank">${c.at}</a></td>
              <td>${c.command}</td>
              <td>${c.who}</td>
              <td>${c.why || '-'}</td>
              <td class=${`outcome ${c.outcome}`}>${c.outcome}</td>
              <td>${c.text ?? '-'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <h3>history</h3>
    <table class="history">
      <thead>
        <tr>
          <th>time</th>
          <th>from</th>
          <th>to</th>
          <th>cause</th>
          <th>command</th>
          <th>who</th>
          <th>why</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr class=${r.cause.includes(':unexplained') ? 'unexplained' : ''}>
              <td>${r.at}</td>
              <td>${r.from}</td>
              <td>${r.to}</td>
              <td>${r.cause}</td>
              <td>
                ${r.commandId ? html`<a href=${`/commands/${r.commandId}`} target="_blank">${r.commandId.slice(0, 8)}</a>` : '-'}
              </td>
              <td>${r.who ?? '-'}</td>
              <td>${r.why || '-'}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}
