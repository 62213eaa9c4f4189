import type { HaInput, PartnerCallOutcome } from '@haco/ha-core';
import { HA_STATES, HaService, parseHaConfig } from '@haco/ha-core';
import type { EventEnvelope } from '@haco/contracts';
import type { UnchainedEnvelope } from '@haco/contracts';
import { chainEnvelopes, GENESIS_HASH, toEnvelope } from '@haco/contracts';

/** A small deterministic generator (LCG), so that long streams are the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const CONFIG = parseHaConfig([
  {
    'this-server-name': 'server1',
    mode: 'load-balancing',
    'max-unacked-clients': 0,
    'state-machine': {
      states: [
        { state: 'ready', pause: 'once' },
        { state: 'partner-down', pause: 'always' },
      ],
    },
    peers: [
      { name: 'server1', url: 'http://127.0.0.1:8001/', role: 'primary' },
      { name: 'server2', url: 'http://127.0.0.1:8002/', role: 'secondary' },
    ],
  },
]);

const OUTCOMES: PartnerCallOutcome[] = [
  { transportFailed: false, result: 0, text: '' },
  { transportFailed: true, error: 'Connection refused' },
];

/**
 * A peer's event stream of at least `minEvents` events, produced by the real state machine from
 * pseudo-random heartbeats, commands and lease traffic, as envelopes ready to store (hash-chained as a
 * peer's outbox chains them).
 */
export function generateStream(stream: string, minEvents: number, seed = 7): EventEnvelope[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const service = new HaService();
  const envelopes: UnchainedEnvelope[] = [];
  let at = Date.parse('2026-11-01T00:00:00Z');
  let inputs = 0;
  const feed = (input: HaInput) => {
    inputs += 1;
    const causationId = `${stream}/input-${inputs}`;
    for (const event of service.handle(input)) {
      envelopes.push(
        toEnvelope(event, {
          id: `${stream}#${envelopes.length + 1}`,
          stream,
          seq: envelopes.length + 1,
          at: new Date(input.at).toISOString(),
          causationId,
        }),
      );
    }
  };
  feed({ type: 'start', at, config: CONFIG });
  while (envelopes.length < minEvents) {
    at += 1000;
    while (service.state?.pendingCall) feed({ type: 'partner-call-completed', at, outcome: pick(OUTCOMES) });
    const roll = next();
    const communication = {
      status: pick(['ok', 'ok', 'ok', 'interrupted', 'failed'] as const),
      ageSeconds: 0,
      connectingClients: 0,
      unackedClients: 0,
      analyzedPackets: 0,
    };
    if (roll < 0.7) {
      const ok = next() < 0.8;
      feed({
        type: 'heartbeat-completed',
        at,
        communication,
        result: ok
          ? {
              ok,
              partnerState: pick(HA_STATES),
              scopes: [],
              unsentUpdateCount: Math.floor(next() * 3),
              clockSkewSeconds: 0,
            }
          : { ok, reason: 'Connection refused' },
      });
    } else if (roll < 0.8) {
      feed({
        type: 'command',
        at,
        commandId: `cmd-${inputs}`,
        request: { command: pick(['ha-continue', 'ha-reset', 'ha-sync-complete-notify', 'status-get']) },
      });
    } else if (roll < 0.9) {
      feed({ type: 'lease-updates-generated', at, count: 1 });
    } else {
      feed({ type: 'lease-updates-completed', at, partnerFailed: next() < 0.3, communication });
    }
  }
  return chainEnvelopes(GENESIS_HASH, envelopes).envelopes;
}
