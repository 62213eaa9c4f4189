import type { NatsContext } from '@nestjs/microservices';
import { ServerNats } from '@nestjs/microservices';
import type { NatsSettings } from '@haco/nats';
import { NO_ANSWER_HEADER, natsConnectionOptions } from '@haco/nats';
import { headers } from '@nats-io/transport-node';
import type { Msg } from '@nats-io/transport-node';
import { isNoAnswer } from './control-message';
import { KeaAnswerSerializer, KeaRequestDeserializer } from './kea-wire';

type NatsMessage = Parameters<ServerNats['getPublisher']>[0];

/**
 * Nest's NATS transport for a peer's control channel, speaking Kea's plain JSON (see kea-wire.ts). Where
 * Kea 2.2.0 sends no answer at all (over HTTP it closes the connection), the reply is empty and carries
 * the reason in a header: no Kea answer is made up, and the caller does not wait for its timeout. Nest's
 * transport always publishes a serialized packet, so its publisher is wrapped for that one case.
 */
class KeaControlServer extends ServerNats {
  override getPublisher(message: NatsMessage, id: string, ctx: NatsContext): (packet: unknown) => unknown {
    const publish = super.getPublisher(message, id, ctx);
    return (packet) => {
      const response = (packet as { response?: unknown }).response;
      if (!isNoAnswer(response)) return publish(packet);
      const reply = headers();
      reply.set(NO_ANSWER_HEADER, response.noAnswer);
      return (message as unknown as Msg).respond(new Uint8Array(), { headers: reply });
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
