import type { Role } from '@haco/common';
import { ROLES } from '@haco/common';

export { ROLES };
export type { Role };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` reaches `needed`. */
export function roleReaches(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The authenticated caller: its name is what the audit records as `who`. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
  /** How it proved it: a named API token, a JWT, or the one token given whole. */
  readonly via: 'token' | 'jwt';
}

/**
 * The role an HA command needs: ha-reset and store operations are an admin's; every other command that
 * changes something (ha-continue, maintenance, sync, scopes, dhcp-enable/disable) an operator's.
 */
export function roleForCommand(command: string): Role {
  return command === 'ha-reset' ? 'admin' : 'operator';
}
