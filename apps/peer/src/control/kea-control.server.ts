import { ServerNats } from '@nestjs/microservices';
import type { NatsSettings } from '@haco/nats';
import { natsConnectionOptions } from '@haco/nats';
import { KeaAnswerSerializer, KeaRequestDeserializer } from './kea-wire';

/** Nest's NATS transport for a peer's control channel, speaking Kea's plain JSON (see kea-wire.ts). */
export function keaControlServer(nats: NatsSettings, name: string): ServerNats {
  return new ServerNats({
    ...natsConnectionOptions(nats, `${name}-control`),
    serializer: new KeaAnswerSerializer(),
    deserializer: new KeaRequestDeserializer(),
  });
}
