import { answer } from '@haco/ha-core';
import type { KeaResponse } from '@haco/ha-core';

/**
 * The commands an HA partner sends (Kea 2.2's `restrict-commands` set of the dedicated listener: the HA
 * hook's own calls, the lease commands they use, `list-commands` and `status-get`). haco's partner subject
 * answers only these, always; Kea's HTTP channel answers only these when `restrict-commands` is true.
 */
export const PARTNER_COMMANDS: ReadonlySet<string> = new Set([
  'ha-heartbeat',
  'ha-reset',
  'ha-sync-complete-notify',
  'ha-maintenance-notify',
  'dhcp-disable',
  'dhcp-enable',
  'lease4-update',
  'lease4-del',
  'lease4-get-all',
  'lease4-get-page',
  'list-commands',
  'status-get',
]);

/** What Kea's restricted listener answers any other command (HTTP 403 there). */
export const FORBIDDEN: KeaResponse = answer(403, 'Forbidden');

export function isPartnerCommand(body: unknown): boolean {
  const name = (body as { command?: unknown } | null)?.command;
  return typeof name === 'string' && PARTNER_COMMANDS.has(name);
}
