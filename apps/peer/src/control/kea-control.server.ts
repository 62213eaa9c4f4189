import type { NatsContext } from '@nestjs/microservices';
import { ServerNats } from '@nestjs/microservices';
import type { NatsSettings } from '@haco/nats';
import { natsConnectionOptions } from '@haco/nats';
import { isNoAnswer } from './control-message';
import { KeaAnswerSerializer, KeaRequestDeserializer } from './kea-wire';

type NatsMessage = Parameters<ServerNats['getPublisher']>[0];

/**
 * Nest's NATS transport for a peer's control channel, speaking Kea's plain JSON (see kea-wire.ts). Where
 * Kea 2.2.0 sends no answer at all, nothing is published on the reply subject: Nest's transport always
 * answers a request, so its publisher is wrapped to leave that one out.
 */
class KeaControlServer extends ServerNats {
  override getPublisher(message: NatsMessage, id: string, ctx: NatsContext): (packet: unknown) => unknown {
    const publish = super.getPublisher(message, id, ctx);
    return (packet) => {
      const response = (packet as { response?: unknown }).response;
      return isNoAnswer(response) ? undefined : publish(packet);
    };
  }
}

export function keaControlServer(nats: NatsSettings, name: string, inboxPrefix: string): ServerNats {
  return new KeaControlServer({
    ...natsConnectionOptions(nats, `${name}-control`, inboxPrefix),
    serializer: new KeaAnswerSerializer(),
    deserializer: new KeaRequestDeserializer(),
  });
}
