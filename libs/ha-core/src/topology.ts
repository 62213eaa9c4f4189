import type { HaConfig, PeerConfig } from './config/types';
import type { HaState } from './states';

export function thisServer(config: HaConfig): PeerConfig {
  const me = config.peers.find((p) => p.name === config.thisServerName);
  // parseHaConfig guarantees this server is among the peers.
  if (me === undefined) throw new Error(`no peer configuration specified for the '${config.thisServerName}'`);
  return me;
}

export function otherServers(config: HaConfig): PeerConfig[] {
  return config.peers.filter((p) => p.name !== config.thisServerName);
}

/** The failover partner: the first other peer (by name) that is not a backup; none in passive-backup. */
export function failoverPartner(config: HaConfig): PeerConfig | undefined {
  return otherServers(config).find((p) => p.role !== 'backup');
}

export function isBackupServer(config: HaConfig): boolean {
  return thisServer(config).role === 'backup';
}

/** backup for a backup server, otherwise the state named after the mode (spec 1.2). */
export function normalState(config: HaConfig): HaState {
  if (isBackupServer(config)) return 'backup';
  switch (config.mode) {
    case 'load-balancing':
      return 'load-balancing';
    case 'hot-standby':
      return 'hot-standby';
    case 'passive-backup':
      return 'passive-backup';
  }
}

export function isNormalState(state: HaState): boolean {
  return state === 'load-balancing' || state === 'hot-standby';
}

/** Primary and secondary serve their own scope; standby and backup serve none (spec 2.4). */
export function defaultScopes(config: HaConfig): string[] {
  const me = thisServer(config);
  return me.role === 'primary' || me.role === 'secondary' ? [me.name] : [];
}

/** The scopes of the primary and the secondary: both halves of a load-balanced pool. */
export function failoverScopes(config: HaConfig): string[] {
  return config.peers
    .filter((p) => p.role === 'primary' || p.role === 'secondary')
    .map((p) => p.name)
    .sort();
}

/** Scope names `ha-scopes` accepts: the active servers (backups have no scope). */
export function validScopeNames(config: HaConfig): string[] {
  return config.peers.filter((p) => p.role !== 'backup').map((p) => p.name);
}

export function communicationRecoveryAllowed(config: HaConfig): boolean {
  return config.delayedUpdatesLimit > 0;
}
