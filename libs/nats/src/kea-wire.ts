import type {
  IncomingResponse,
  ProducerDeserializer,
  ProducerSerializer,
  ReadPacket,
} from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';

/**
 * Kea's control channel stays Kea's plain JSON on NATS: `{"command", "arguments"}` in and
 * `{"result", "text", "arguments"}` out, with no Nest packet around it, so that any NATS client (the
 * `nats` CLI, Kea tooling, another haco peer) can talk to a peer. These two are the sending side of a
 * ClientProxy (a peer calling its partner, the coordinator calling a peer).
 */

/** Client side, out: a request to another peer is the Kea command itself. */
export class KeaRequestSerializer implements ProducerSerializer {
  serialize(packet: ReadPacket): { data: string } {
    return { data: JSON.stringify(packet.data) };
  }
}

/**
 * Client side, in: the peer's Kea answer. Like Kea's HA client it reads a list answer by its first element;
 * anything that is not an answer map is an error of the exchange, not an answer.
 */
export class KeaAnswerDeserializer implements ProducerDeserializer {
  deserialize(message: Msg): IncomingResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(message.data));
    } catch {
      return { id: '', err: 'unparsable answer from the peer', isDisposed: true };
    }
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    if (
      typeof first !== 'object' ||
      first === null ||
      typeof (first as { result?: unknown }).result !== 'number'
    ) {
      return { id: '', err: 'invalid answer from the peer', isDisposed: true };
    }
    return { id: '', response: first, isDisposed: true };
  }
}
