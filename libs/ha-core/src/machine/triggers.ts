/**
 * What set a handler run off: Kea's "last event". Handlers look at it for the maintenance-cancel
 * no-op run, the maintenance-start entry into partner-down, and the synced-partner-unavailable case.
 */
export const TRIGGERS = [
  'start',
  'heartbeat-complete',
  'lease-updates-complete',
  'nop',
  'maintenance-start',
  'maintenance-notify',
  'maintenance-cancel',
  'synced-partner-unavailable',
] as const;

export type Trigger = (typeof TRIGGERS)[number];

export function isTrigger(value: unknown): value is Trigger {
  return typeof value === 'string' && (TRIGGERS as readonly string[]).includes(value);
}
