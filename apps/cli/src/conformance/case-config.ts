import type { HaConfig } from '@haco/ha-core';
import { parseHaConfig } from '@haco/ha-core';
import type { HaMode, PeerRole } from '@haco/ha-core/probe';
import { HA_MODES } from '@haco/ha-core/probe';
import type { ConformanceCase } from './conformance-case';

const STANDARD_ROLES: Record<HaMode, PeerRole[]> = {
  'load-balancing': ['primary', 'secondary', 'backup'],
  'hot-standby': ['primary', 'standby', 'backup'],
  'passive-backup': ['primary', 'backup', 'backup'],
};

export function caseMode(c: ConformanceCase): HaMode {
  const config = (c['config'] ?? {}) as Record<string, unknown>;
  const mode = c['mode'] ?? config['mode'] ?? 'load-balancing';
  if (!(HA_MODES as readonly unknown[]).includes(mode)) throw new Error(`unknown mode ${String(mode)}`);
  return mode as HaMode;
}

/**
 * Builds the case's HA relationship: its `config` settings on the standard topology of the mode
 * (server1..3 on 127.0.0.1:8001.. by position) unless it names its own peers, with this server the
 * first peer of the case's `role`. The result goes through the real parser, defaults and validation.
 */
export function caseConfig(c: ConformanceCase): HaConfig {
  const settings = { ...((c['config'] ?? {}) as Record<string, unknown>) };
  const mode = caseMode(c);
  const autoFailover = settings['auto-failover'];
  delete settings['auto-failover'];
  // A relationship-level limit only means something in load-balancing; other modes must have 0.
  if (mode !== 'load-balancing') delete settings['delayed-updates-limit'];
  const peers =
    (settings['peers'] as Record<string, unknown>[] | undefined) ??
    STANDARD_ROLES[mode].map((role, index) => ({
      name: `server${index + 1}`,
      url: `http://127.0.0.1:${8001 + index}/`,
      role,
      ...(typeof autoFailover === 'boolean' ? { 'auto-failover': autoFailover } : {}),
    }));
  const role = (c['role'] ?? 'primary') as string;
  const thisServer = settings['this-server-name'] ?? peers.find((p) => p['role'] === role)?.['name'];
  if (thisServer === undefined) throw new Error(`no peer with role ${role} in the case's topology`);
  return parseHaConfig([{ ...settings, mode, peers, 'this-server-name': thisServer }]);
}

/** The peer a case asks about: the first one other than this server with `peer_role`. */
export function casePeer(c: ConformanceCase, config: HaConfig) {
  const role = c['peer_role'] ?? 'secondary';
  const peer = config.peers.find((p) => p.name !== config.thisServerName && p.role === role);
  if (peer === undefined) throw new Error(`no other peer with role ${String(role)}`);
  return peer;
}
