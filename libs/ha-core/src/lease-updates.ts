import type { PeerConfig } from './config/types';
import type { HaMachineState } from './machine/machine-state';
import { isBackupServer } from './topology';

export type LeaseUpdateRoute = 'send' | 'queue' | 'skip';

/**
 * What happens to a lease update for `peer` in the current state (spec 3): backups always get them (when
 * updates are on), the partner only in load-balancing, hot-standby and partner-in-maintenance, and in
 * communication-recovery they wait in the backlog.
 */
export function leaseUpdateRoute(machine: HaMachineState, peer: PeerConfig): LeaseUpdateRoute {
  const config = machine.config;
  if (!config.sendLeaseUpdates) return 'skip';
  if (peer.role === 'backup') return 'send';
  if (isBackupServer(config)) return 'skip';
  switch (machine.state) {
    case 'load-balancing':
    case 'hot-standby':
    case 'partner-in-maintenance':
      return 'send';
    case 'communication-recovery':
      return 'queue';
    default:
      return 'skip';
  }
}
