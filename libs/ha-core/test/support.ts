import type { HaConfig, HaEvent, PartnerCallOutcome } from '../src';
import { parseHaConfig } from '../src';
import type { HaMode, PeerRole } from '../src/probe';

const STANDARD_ROLES: Record<HaMode, PeerRole[]> = {
  'load-balancing': ['primary', 'secondary', 'backup'],
  'hot-standby': ['primary', 'standby', 'backup'],
  'passive-backup': ['primary', 'backup', 'backup'],
};

/** A relationship on the standard topology (server1..3), seen from the first peer with `role`. */
export function haConfig(
  mode: HaMode,
  role: PeerRole = 'primary',
  settings: Record<string, unknown> = {},
): HaConfig {
  const peers = STANDARD_ROLES[mode].map((peerRole, index) => ({
    name: `server${index + 1}`,
    url: `http://127.0.0.1:${8001 + index}/`,
    role: peerRole,
  }));
  const me = peers.find((p) => p.role === role);
  if (me === undefined) throw new Error(`no ${role} in ${mode}`);
  return parseHaConfig([{ mode, 'this-server-name': me.name, peers, ...settings }]);
}

export const OK: PartnerCallOutcome = { transportFailed: false, result: 0, text: '' };
export const REFUSED: PartnerCallOutcome = { transportFailed: true, error: 'Connection refused' };

export { runFrom, stepOnce } from '../src/probe';

export function eventTypes(events: readonly HaEvent[]): string[] {
  return events.map((e) => e.type);
}
