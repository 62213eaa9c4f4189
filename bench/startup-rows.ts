import type { StartupResult, StartupTimes } from './startup.bench';

/** The bench table's rows: each time beside kea-dhcp4's, measured in the same run. */
export function startupRows(r: StartupResult): [string, string, string, string][] {
  const row = (what: string, t: StartupTimes): [string, string, string, string] => [
    what,
    `service ${t.serviceMs} ms, first heartbeat answered ${t.heartbeatMs} ms`,
    '',
    '',
  ];
  const times = (ours: number, kea: number) => Math.round((ours / kea) * 10) / 10;
  const within = (ours: number, kea: number) => (ours <= 5 * kea ? 'met' : 'NOT MET');
  return [
    row(`start-up: kea-dhcp4 2.2 (median of ${r.trials})`, r.kea),
    [
      '  a haco peer, built (its startup snapshot)',
      `service ${r.peerBuilt.serviceMs} ms (${times(r.peerBuilt.serviceMs, r.kea.serviceMs)}x), first heartbeat ${r.peerBuilt.heartbeatMs} ms (${times(r.peerBuilt.heartbeatMs, r.kea.heartbeatMs)}x)`,
      '<= 5x kea-dhcp4',
      `service ${within(r.peerBuilt.serviceMs, r.kea.serviceMs)}, heartbeat ${within(r.peerBuilt.heartbeatMs, r.kea.heartbeatMs)}`,
    ],
    row('  a haco peer, its bundle alone (dist/peer/main.js)', r.peerBundle),
    row('  a haco peer, from source (tsx)', r.peerSource),
  ];
}
