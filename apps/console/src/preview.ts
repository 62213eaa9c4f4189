/** A release's preview (`dryRun`), as the coordinator answers it. */
export interface ReleasePreview {
  transitions: { server: string; from: string; to: string }[];
  servers: { server: string; state: string; scopes: string[]; dhcpEnabled: boolean }[];
  stopsAt: { server: string; state: string; pause: string } | null;
  pausesAhead: { server: string; state: string; pause: string }[];
}

/** The preview in a few lines, for the Continue dialog. */
export function describePreview(p: ReleasePreview): string {
  const moves =
    p.transitions.length === 0
      ? 'If released now: no transition would follow.'
      : `If released now: ${p.transitions.map((t) => `${t.server} ${t.from} → ${t.to}`).join('; ')}.`;
  const ends = p.servers
    .map(
      (s) =>
        `${s.server} would serve ${s.scopes.join(',') || 'nothing'} in ${s.state} (DHCP ${s.dhcpEnabled ? 'on' : 'off'})`,
    )
    .join('; ');
  const stop =
    p.stopsAt === null ? '' : ` It would stop at a pause: ${p.stopsAt.server} in ${p.stopsAt.state}.`;
  const ahead =
    p.pausesAhead.length === 0
      ? ' No pause ahead.'
      : ` Pauses ahead: ${p.pausesAhead.map((a) => `${a.server} in ${a.state} (${a.pause})`).join(', ')}.`;
  return `${moves} ${ends}.${stop}${ahead}`;
}
