import type { HaState } from '@haco/ha-core';
import { HA_STATES } from '@haco/ha-core';

/** What one of Kea's HA log lines says happened, and when (ms since the epoch, Kea's clock). */
export type KeaLogObservation =
  | { readonly kind: 'service-started'; readonly at: number }
  | {
      readonly kind: 'transition';
      readonly at: number;
      readonly from: HaState;
      readonly to: HaState;
      readonly partnerState: string;
    }
  | { readonly kind: 'paused'; readonly at: number; readonly state: HaState }
  | { readonly kind: 'continued'; readonly at: number }
  /** A heartbeat to the partner failed (Kea marks the partner unavailable). */
  | { readonly kind: 'heartbeat-failed'; readonly at: number; readonly reason: string }
  /** Lease updates to the partner failed (Kea marks the partner unavailable). */
  | { readonly kind: 'lease-updates-failed'; readonly at: number };

/** Kea's default log layout: "2026-12-04 21:23:44.661 INFO  [kea-dhcp4.ha-hooks/pid.tid] ID text". */
const LINE = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3}) +\S+ +\[[^\]]*\] (HA_\w+) (.*)$/;
const TRANSITION = /^server transitions from (\S+) to (\S+) state, partner state is (\S+)/;
const PAUSED = /^state machine paused in state (\S+)/;

/** A state as Kea logs it (upper case) in haco's names, or null when it is not one. */
function stateOf(label: string): HaState | null {
  const name = label.toLowerCase();
  return (HA_STATES as readonly string[]).includes(name) ? (name as HaState) : null;
}

/** The HA happening one line of Kea's log records, or null for any other line. */
export function readKeaLogLine(line: string): KeaLogObservation | null {
  const match = LINE.exec(line);
  if (match === null) return null;
  // Kea writes its local time without a zone: read it as the watcher's local time (same host or zone).
  const at = Date.parse(`${match[1]}T${match[2]}`);
  const [, , , id, text] = match;
  switch (id) {
    case 'HA_SERVICE_STARTED':
      return { kind: 'service-started', at };
    case 'HA_STATE_TRANSITION': {
      const seen = TRANSITION.exec(text);
      const from = seen === null ? null : stateOf(seen[1]);
      const to = seen === null ? null : stateOf(seen[2]);
      if (seen === null || from === null || to === null) return null;
      return { kind: 'transition', at, from, to, partnerState: seen[3].toLowerCase() };
    }
    case 'HA_STATE_MACHINE_PAUSED': {
      const seen = PAUSED.exec(text);
      const state = seen === null ? null : stateOf(seen[1]);
      return state === null ? null : { kind: 'paused', at, state };
    }
    case 'HA_STATE_MACHINE_CONTINUED':
      return { kind: 'continued', at };
    case 'HA_HEARTBEAT_FAILED':
    case 'HA_HEARTBEAT_COMMUNICATIONS_FAILED':
      return { kind: 'heartbeat-failed', at, reason: text };
    case 'HA_LEASE_UPDATE_FAILED':
    case 'HA_LEASE_UPDATE_COMMUNICATIONS_FAILED':
      return { kind: 'lease-updates-failed', at };
    default:
      return null;
  }
}
