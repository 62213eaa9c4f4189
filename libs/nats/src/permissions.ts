import {
  ALL_PRESENCE_SUBJECTS,
  COORDINATOR_INBOX_PREFIX,
  commandSubject,
  EVENTS_STREAM,
  eventSubject,
  partnerSubject,
  peerInboxPrefix,
  presenceSubject,
  resendSubject,
  watcherInboxPrefix,
} from '@haco/contracts';

/** Who connects to NATS: each kind gets only the subjects its work needs. */
export type NatsPrincipal =
  | {
      readonly kind: 'peer';
      readonly cluster: string;
      readonly peer: string;
      /** The peers it calls as an HA partner (heartbeats, lease updates, sync, maintenance notify). */
      readonly partners: readonly string[];
    }
  | { readonly kind: 'coordinator' }
  /** A watcher of real Kea servers: it writes their streams and answers their command subjects. */
  | { readonly kind: 'kea-watch'; readonly cluster: string; readonly servers: readonly string[] };

/** nats-server's permissions block of one user, as its configuration file spells it. */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
  /** A peer answers requests sent to it: it may publish once to each reply subject it received. */
  readonly allow_responses?: boolean;
}

/**
 * Least privilege on NATS. A peer publishes only its own events (JetStream stores them; the publish ack
 * comes back to its own inbox) and its calls to its partners, and receives only its own command and
 * partner subjects and its own inbox. Only coordinators publish operator commands; they run JetStream's
 * API for the events stream and its consumer only, and read their own inbox. No one else may subscribe
 * to another's inbox, so no one reads another's answers.
 */
export function natsPermissions(principal: NatsPrincipal): NatsPermissions {
  switch (principal.kind) {
    case 'peer': {
      const { cluster, peer, partners } = principal;
      return {
        publish: {
          allow: [
            eventSubject(cluster, peer),
            presenceSubject(cluster, peer),
            ...partners.map((partner) => partnerSubject(cluster, partner)),
            // Read-only: lets a peer see whether the events stream is there (it may not create it).
            '$JS.API.INFO',
            `$JS.API.STREAM.INFO.${EVENTS_STREAM}`,
          ],
        },
        subscribe: {
          allow: [
            commandSubject(cluster, peer),
            partnerSubject(cluster, peer),
            resendSubject(cluster, peer),
            `${peerInboxPrefix(cluster, peer)}.>`,
          ],
        },
        allow_responses: true,
      };
    }
    case 'kea-watch': {
      const { cluster, servers } = principal;
      return {
        publish: {
          allow: [
            ...servers.flatMap((server) => [eventSubject(cluster, server), presenceSubject(cluster, server)]),
            '$JS.API.INFO',
            `$JS.API.STREAM.INFO.${EVENTS_STREAM}`,
          ],
        },
        subscribe: {
          allow: [
            ...servers.map((server) => commandSubject(cluster, server)),
            `${watcherInboxPrefix(cluster)}.>`,
          ],
        },
        allow_responses: true,
      };
    }
    case 'coordinator':
      return {
        publish: {
          allow: [
            commandSubject('*', '*'),
            resendSubject('*', '*'),
            '$JS.API.INFO',
            `$JS.API.STREAM.*.${EVENTS_STREAM}`,
            `$JS.API.CONSUMER.*.${EVENTS_STREAM}`,
            `$JS.API.CONSUMER.*.${EVENTS_STREAM}.>`,
            `$JS.API.CONSUMER.MSG.NEXT.${EVENTS_STREAM}.>`,
            `$JS.ACK.${EVENTS_STREAM}.>`,
            `$JS.FC.${EVENTS_STREAM}.>`,
          ],
        },
        subscribe: { allow: [`${COORDINATOR_INBOX_PREFIX}.>`, ALL_PRESENCE_SUBJECTS] },
      };
    default: {
      const unknown: never = principal;
      throw new Error(`unknown NATS principal ${JSON.stringify(unknown)}`);
    }
  }
}
