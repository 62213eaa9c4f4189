import type { IncidentReport } from './incident-report';

/** The console's colours for the states, so that a report reads like the timeline an operator knows. */
const COLOURS: Readonly<Record<string, string>> = {
  terminated: '#7f1d1d',
  'partner-down': '#dc2626',
  'communication-recovery': '#f97316',
  'in-maintenance': '#a855f7',
  'partner-in-maintenance': '#c084fc',
  waiting: '#94a3b8',
  syncing: '#38bdf8',
  ready: '#facc15',
  backup: '#64748b',
  'passive-backup': '#64748b',
  'hot-standby': '#22c55e',
  'load-balancing': '#16a34a',
};

const escape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Both peers' timelines as one SVG: a lane per peer, its states as coloured spans over the window, its
 * pauses shaded over them, and each command marked on its peer's lane (its title says who and why).
 * Hand-written: a chart library would need a browser to render, and the report must be a file.
 */
export function timelineSvg(report: IncidentReport): string {
  const width = 960;
  const left = 150;
  const lane = 34;
  const top = 24;
  const height = top + report.peers.length * lane + 30;
  const start = Date.parse(report.since);
  const span = Math.max(1, Date.parse(report.until) - start);
  const x = (iso: string) => left + ((Date.parse(iso) - start) / span) * (width - left - 10);
  const parts: string[] = [];
  report.peers.forEach((peer, index) => {
    const y = top + index * lane;
    parts.push(`<text x="4" y="${y + 20}" class="lane">${escape(peer.peer)}</text>`);
    for (const s of peer.spans) {
      const w = Math.max(1, x(s.to) - x(s.from));
      parts.push(
        `<rect class="span" data-state="${escape(s.state)}" x="${x(s.from).toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${lane - 10}" fill="${COLOURS[s.state] ?? '#94a3b8'}"><title>${escape(s.state)}: ${escape(s.from)} to ${escape(s.to)}</title></rect>`,
      );
    }
    for (const p of peer.pauses) {
      const to = p.to ?? report.until;
      parts.push(
        `<rect class="pause" x="${x(p.from).toFixed(1)}" y="${y + 2}" width="${Math.max(2, x(to) - x(p.from)).toFixed(1)}" height="${lane - 6}" fill="url(#paused)"><title>paused (${escape(p.pause)}) in ${escape(p.state)}</title></rect>`,
      );
    }
    for (const c of report.commands.filter((command) => command.peer === peer.peer)) {
      const cx = x(c.at);
      parts.push(
        `<path class="command" d="M${cx.toFixed(1)} ${y} l5 -8 h-10 z" fill="#111827"><title>${escape(c.command)} by ${escape(c.who)}: ${escape(c.why)}</title></path>`,
      );
    }
  });
  parts.push(
    `<text x="${left}" y="${height - 8}" class="axis">${escape(report.since)}</text>`,
    `<text x="${width - 10}" y="${height - 8}" class="axis" text-anchor="end">${escape(report.until)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">`,
    '<defs><pattern id="paused" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">',
    '<rect width="3" height="6" fill="rgba(17,24,39,0.35)"/></pattern></defs>',
    '<style>.lane,.axis{font:12px sans-serif;fill:#111827}</style>',
    ...parts,
    '</svg>',
  ].join('\n');
}
