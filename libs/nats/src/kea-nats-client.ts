import type { CustomClientOptions, NatsOptions } from '@nestjs/microservices';
import { ClientNats } from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';
import { NO_ANSWER_HEADER } from './headers';
import { KeaAnswerDeserializer, KeaRequestSerializer } from './kea-wire';

/** The peer took the command and, as Kea 2.2.0 does for this one, sends no answer: `reason` says why. */
export class NoAnswerError extends Error {
  constructor(readonly reason: string) {
    super(`no answer, as Kea 2.2.0 sends none: ${reason}`);
    this.name = 'NoAnswerError';
  }
}

type SubscriptionHandler = ReturnType<ClientNats['createSubscriptionHandler']>;

/**
 * Nest's NATS client reads every empty reply as "no responders". A peer's empty reply that carries the
 * no-answer header is Kea's silence instead, and is told apart here, before Nest's reading of it.
 */
export class KeaNatsClient extends ClientNats {
  override createSubscriptionHandler(
    packet: Parameters<ClientNats['createSubscriptionHandler']>[0],
    callback: Parameters<ClientNats['createSubscriptionHandler']>[1],
  ) {
    const nest: SubscriptionHandler = super.createSubscriptionHandler(packet, callback);
    return async (...[error, natsMsg]: Parameters<SubscriptionHandler>) => {
      const message = natsMsg as unknown as Msg | undefined;
      const reason = message?.headers?.get(NO_ANSWER_HEADER);
      if (error === null && message?.data.length === 0 && reason !== undefined && reason !== '') {
        return callback({ err: new NoAnswerError(reason), isDisposed: true });
      }
      return nest(error, natsMsg);
    };
  }
}

/** A ClientProxy speaking Kea's plain JSON to peers (the coordinator's, and a peer's to its partner). */
export function keaClientOptions(options: NatsOptions['options']): CustomClientOptions {
  return {
    // Nest types a custom client as a plain ClientProxy; a ClientNats is one, with a richer status type.
    customClass: KeaNatsClient as unknown as CustomClientOptions['customClass'],
    options: {
      ...options,
      serializer: new KeaRequestSerializer(),
      deserializer: new KeaAnswerDeserializer(),
    },
  };
}
