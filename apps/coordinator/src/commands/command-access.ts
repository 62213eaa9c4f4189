import { isHaCommand, isReadOnly } from '@haco/ha-core';
import type { AccessLevel } from '../auth/access.decorator';
import { roleForCommand } from '../auth/roles';

/**
 * The access a command needs: status-get and ha-heartbeat (and names no peer supports, refused later) are
 * reads; ha-reset an admin's; every other command an operator's.
 */
export function commandAccess(body: unknown): AccessLevel {
  const name = (body as { command?: unknown } | null)?.command;
  if (typeof name !== 'string' || !isHaCommand(name) || isReadOnly(name)) return 'read';
  const role = roleForCommand(name);
  return role === 'viewer' ? 'read' : role;
}
