import { z } from 'zod';
import { SplitBrainEntry } from './review-responses';

/**
 * What the API answers, as schemas: @nestjs/swagger documents each route with them (served at
 * /openapi.json), and the API document test checks real answers against that document.
 */
export const ErrorBody = z.object({ error: z.string() }).meta({ id: 'ErrorBody' });
export const KeaAnswer = z
  .object({ result: z.int(), text: z.string().optional(), arguments: z.unknown().optional() })
  .meta({ id: 'KeaAnswer' });

export const StoredEventSchema = z
  .object({
    schema: z.literal(1),
    id: z.string(),
    stream: z.string(),
    seq: z.int(),
    type: z.string(),
    data: z.record(z.string(), z.unknown()),
    at: z.string(),
    causationId: z.string().nullable(),
    correlationId: z.string().nullable(),
    prevHash: z.string().optional().meta({
      description: 'the hash of the event before it in its stream (absent: stored before the chain)',
    }),
    position: z.int(),
    recordedAt: z.string(),
  })
  .meta({ id: 'StoredEvent' });

export const PeerViewSchema = z
  .object({
    cluster: z.string(),
    peer: z.string(),
    mode: z.string(),
    role: z.string(),
    state: z.string(),
    paused: z.boolean(),
    pausedSince: z.string().nullable(),
    pause: z.string().nullable().describe('once or always, while paused'),
    partner: z.object({ name: z.string().nullable(), state: z.string(), scopes: z.array(z.string()) }),
    /** Running, but held by its partner's pause (Kea's pausing holds the partner too). */
    waitingOn: z.object({ peer: z.string(), pausedIn: z.string() }).nullable().optional(),
    splitBrain: z
      .object({ partner: z.string(), scopes: z.array(z.string()), since: z.string().nullable() })
      .nullable()
      .optional(),
    scopes: z.array(z.string()),
    lastHeartbeatAt: z.string().nullable(),
    stateSince: z.string().nullable(),
    lastSeq: z.int(),
    transitions: z.int(),
    /** On the coordinator's clock, from the peer's presence; unknown while the coordinator cannot tell. */
    status: z.enum(['up', 'unreachable', 'stopped', 'unknown']),
    /** Set when another event claims a place in this peer's stream: its state is then not a fact. */
    disputed: z.object({ count: z.int(), firstSeq: z.int() }).nullable().optional(),
    statusSince: z.string().nullable(),
    startedAt: z.string().nullable(),
    restarts: z.object({ clean: z.int(), crash: z.int() }),
    /** Kea's status-get `remote` section, as folded from the log (null where Kea reports none). */
    failover: z
      .object({
        inTouch: z.boolean(),
        communicationInterrupted: z.boolean(),
        ageSeconds: z.number(),
        connectingClients: z.int(),
        unackedClients: z.int(),
        unackedClientsLeft: z.int(),
        analyzedPackets: z.int(),
      })
      .nullable(),
    lastHeartbeatSucceededAt: z.string().nullable(),
    failoverForecast: z
      .object({
        takeoverInMs: z
          .int()
          .nullable()
          .describe('an upper bound; 0 when it serves its partner already; null when no time can be told'),
        why: z.string(),
      })
      .nullable(),
    pauses: z.array(z.object({ state: z.string(), pause: z.string(), ahead: z.boolean() })),
    refusedEvents: z.int(),
    lastRefusedEvent: z.object({ seq: z.int(), type: z.string(), reason: z.string() }).nullable(),
    observedBy: z.string().nullable(),
    lastObservationGap: z.object({ from: z.string(), to: z.string() }).nullable(),
    unexplainedTransitions: z.int(),
    failedHooks: z.int(),
    lastHook: z
      .object({
        hook: z.string(),
        trigger: z.string(),
        outcome: z.string(),
        attempt: z.int(),
        at: z.string(),
      })
      .nullable(),
    // A nullable enum reads ambiguously in OpenAPI 3.0 (null must be listed): a described string instead.
    restart: z.string().nullable().describe('after-clean-stop, after-crash, or null for a first start'),
  })
  .meta({ id: 'PeerView' });

export const TransitionSchema = z
  .object({
    cluster: z.string(),
    peer: z.string(),
    seq: z.int(),
    at: z.string(),
    from: z.string(),
    to: z.string(),
    partnerState: z.string(),
    cause: z.string(),
    commandId: z.string().nullable(),
    durationInPreviousMs: z.number().nullable(),
    who: z.string().nullable(),
    why: z.string().nullable(),
    /** At or past a disputed place of its stream: not a fact until an admin settles the dispute. */
    disputed: z.boolean().optional(),
  })
  .meta({ id: 'Transition' });

export const PeersResponse = z.object({ peers: z.array(PeerViewSchema) });
export const ClustersResponse = z.object({
  clusters: z.array(z.object({ name: z.string(), peers: z.array(z.string()), paused: z.array(z.string()) })),
});
export const HistoryResponse = z.object({
  total: z.int(),
  offset: z.int(),
  limit: z.int(),
  transitions: z.array(TransitionSchema),
});
export const GapsResponse = z.object({
  gaps: z.array(z.object({ stream: z.string(), expectedSeq: z.int(), heldSeqs: z.array(z.int()) })),
});
export const DeadLettersResponse = z.object({
  deadLetters: z.array(
    z.object({
      id: z.int(),
      receivedAt: z.string(),
      subject: z.string(),
      reason: z.string(),
      payload: z.string(),
    }),
  ),
});
/** A recorded command's answer carries its id; a read (status-get, ha-heartbeat) is never recorded: none. */
export const CommandAnswer = KeaAnswer.extend({ commandId: z.string().optional() });
export const CommandRecordResponse = z.object({
  issued: StoredEventSchema.nullable(),
  outcome: StoredEventSchema.nullable(),
  effects: z.array(StoredEventSchema),
});
export const ReplayResponse = z.object({
  verified: z.boolean(),
  streams: z.array(z.object({ stream: z.string(), verified: z.boolean() }).loose()),
});
const BrokenLinkSchema = z.object({
  problem: z.enum(['link', 'missing', 'order', 'unlinked', 'head', 'archive']),
  previous: z.int().nullable(),
  seq: z.int(),
  detail: z.string(),
});
export const ChainResponse = z.object({
  verified: z.boolean(),
  /** The first broken link of all the streams checked, or null. */
  firstBroken: BrokenLinkSchema.extend({ stream: z.string() }).nullable(),
  streams: z.array(
    z.object({
      stream: z.string(),
      firstSeq: z.int(),
      events: z.int(),
      unlinkedBefore: z.int(),
      lastSeq: z.int(),
      lastHash: z.string(),
      skipped: z.array(z.object({ firstSeq: z.int(), lastSeq: z.int(), events: z.int() })),
      broken: BrokenLinkSchema.nullable(),
    }),
  ),
});
export const LiveResponse = z.object({ status: z.literal('ok') });
export const FleetResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  peers: z.int(),
  unreachable: z.array(
    z.object({ cluster: z.string(), peer: z.string(), state: z.string(), since: z.string().nullable() }),
  ),
  stopped: z.array(
    z.object({ cluster: z.string(), peer: z.string(), state: z.string(), since: z.string().nullable() }),
  ),
  disputed: z.array(z.object({ cluster: z.string(), peer: z.string(), count: z.int(), firstSeq: z.int() })),
  splitBrains: z.array(SplitBrainEntry),
  unknown: z.array(
    z.object({ cluster: z.string(), peer: z.string(), state: z.string(), since: z.string().nullable() }),
  ),
});
export const ReadyResponse = z
  .object({
    status: z.string(),
    checks: z.object({ nats: z.boolean(), database: z.boolean() }),
  })
  .loose();

/** Kea's control channel: a request, and its answer (a list when the request names a `service`). */
export const KeaRequest = z
  .object(
    {
      command: z
        .string({ error: "'command' must be a non-empty string" })
        .min(1, { error: "'command' must be a non-empty string" }),
      /** Kea's list of services; haco answers with a list whenever one is named. */
      service: z.unknown().optional(),
      arguments: z.unknown().optional(),
    },
    { error: 'the request must be a JSON map' },
  )
  .meta({ id: 'KeaRequest' });
export type KeaRequest = z.output<typeof KeaRequest>;
export const KeaAnswers = z.union([KeaAnswer, z.array(KeaAnswer)]);

export const CommandsResponse = z.object({
  total: z.int(),
  offset: z.int(),
  limit: z.int(),
  commands: z.array(
    z.object({
      commandId: z.string(),
      at: z.string(),
      cluster: z.string(),
      peer: z.string(),
      command: z.string(),
      arguments: z.unknown(),
      /** The authenticated caller's name; `onBehalfOf` the person it said it acted for (a note). */
      who: z.string(),
      onBehalfOf: z.string().nullable(),
      why: z.string(),
      guard: z.string().nullable(),
      outcome: z.enum(['completed', 'refused', 'failed', 'pending']),
      result: z.int().nullable(),
      text: z.string().nullable(),
    }),
  ),
});
