import type { IncidentReport } from './incident-report';
import { timelineSvg } from './report-timeline';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const esc = (text: string | null) =>
  (text ?? '-').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A Markdown table cell: a pipe would end the cell. */
const cell = (text: string | null) => (text ?? '-').replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as Markdown: the timeline as an embedded SVG image, then a section per peer. */
export function reportMarkdown(r: IncidentReport): string {
  const lines = [
    `# Incident report: ${r.cluster}`,
    '',
    `From ${r.since} to ${r.until} (generated ${r.generatedAt}, from haco's log).`,
    '',
    `![timeline](data:image/svg+xml;base64,${Buffer.from(timelineSvg(r)).toString('base64')})`,
    '',
  ];
  for (const p of r.peers) {
    lines.push(`## ${p.peer}`, '', `State at the start: ${p.stateAtSince ?? 'not started'}.`, '');
    lines.push('| time | from | to | cause | who | why |', '| --- | --- | --- | --- | --- | --- |');
    for (const t of p.transitions)
      lines.push(`| ${t.at} | ${t.from} | ${t.to} | ${cell(t.cause)} | ${cell(t.who)} | ${cell(t.why)} |`);
    lines.push(
      '',
      '| pause | from | to | held | released by | why |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const q of p.pauses)
      lines.push(
        `| ${q.pause} in ${q.state} | ${q.from} | ${q.to ?? 'still held'} | ${seconds(q.heldMs)} | ${cell(q.releasedBy)} | ${cell(q.why)} |`,
      );
    lines.push('', '| state | time |', '| --- | --- |');
    for (const [state, ms] of Object.entries(p.timeInState)) lines.push(`| ${state} | ${seconds(ms)} |`);
    lines.push(
      '',
      `Heartbeat failures: ${p.heartbeatFailures}. Gaps in observation: ${p.observationGaps.length === 0 ? 'none' : p.observationGaps.map((g) => `${g.from} to ${g.to}`).join('; ')}.`,
      `Replay: ${p.replay.verified ? `verified (${p.replay.events} events)` : `DIVERGED at ${p.replay.divergence ?? '?'}`}.`,
      '',
    );
  }
  lines.push(
    '## Commands',
    '',
    '| time | peer | command | who | why | outcome |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const c of r.commands)
    lines.push(`| ${c.at} | ${c.peer} | ${c.command} | ${cell(c.who)} | ${cell(c.why)} | ${c.outcome} |`);
  return `${lines.join('\n')}\n`;
}

/** The report as one HTML file: inline style and SVG, nothing fetched, so it opens offline. */
export function reportHtml(r: IncidentReport): string {
  const table = (head: string[], rows: (string | null)[][], cls: string) =>
    `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((row) => `<tr>${row.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const peers = r.peers
    .map(
      (p) => `<section class="peer" data-peer="${esc(p.peer)}">
<h2>${esc(p.peer)}</h2>
<p>State at the start: ${esc(p.stateAtSince ?? 'not started')}.</p>
<h3>Transitions</h3>
${table(
  ['time', 'from', 'to', 'cause', 'who', 'why'],
  p.transitions.map((t) => [t.at, t.from, t.to, t.cause, t.who, t.why]),
  'transitions',
)}
<h3>Pauses</h3>
${table(
  ['pause', 'from', 'to', 'held', 'released by', 'why'],
  p.pauses.map((q) => [
    `${q.pause} in ${q.state}`,
    q.from,
    q.to ?? 'still held',
    seconds(q.heldMs),
    q.releasedBy,
    q.why,
  ]),
  'pauses',
)}
<h3>Time in each state</h3>
${table(
  ['state', 'time'],
  Object.entries(p.timeInState).map(([state, ms]) => [state, seconds(ms)]),
  'time-in-state',
)}
<p class="heartbeat-failures">Heartbeat failures: ${p.heartbeatFailures}</p>
<p class="gaps">Gaps in observation: ${esc(p.observationGaps.length === 0 ? 'none' : p.observationGaps.map((g) => `${g.from} to ${g.to}`).join('; '))}</p>
<p class="replay">Replay: ${esc(p.replay.verified ? `verified (${p.replay.events} events)` : `DIVERGED at ${p.replay.divergence ?? '?'}`)}</p>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Incident report: ${esc(r.cluster)}</title>
<style>body{font:14px sans-serif;margin:24px;color:#111827}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d5db;padding:3px 8px;text-align:left}h1{font-size:20px}</style>
</head><body>
<h1>Incident report: ${esc(r.cluster)}</h1>
<p class="window">From ${esc(r.since)} to ${esc(r.until)} (generated ${esc(r.generatedAt)}, from haco's log).</p>
${timelineSvg(r)}
${peers}
<section class="commands"><h2>Commands</h2>
${table(
  ['time', 'peer', 'command', 'who', 'why', 'outcome'],
  r.commands.map((c) => [c.at, c.peer, c.command, c.who, c.why, c.outcome]),
  'commands',
)}
</section>
</body></html>
`;
}
