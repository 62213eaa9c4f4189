import type {
  ConsumerDeserializer,
  ConsumerSerializer,
  IncomingRequest,
  OutgoingResponse,
} from '@nestjs/microservices';
import type { Msg } from '@nats-io/transport-node';
import { answer, KEA_RESULT } from '@haco/ha-core';
import type { ControlMessage } from './control-message';
import { MAX_COMMAND_BYTES } from './control-message';

/**
 * The server side of Kea's plain JSON on NATS (the client side is in @haco/nats): what a peer's control
 * channel receives and answers, with no Nest packet around it.
 */

/** Server side, in: a Kea request becomes a request packet for the subject's @MessagePattern. */
export class KeaRequestDeserializer implements ConsumerDeserializer {
  deserialize(message: Msg, options?: { channel?: string; replyTo?: string }): IncomingRequest {
    const data = readControlMessage(message.data);
    // Nest answers only packets with an id; a Kea request always expects its answer on the reply subject.
    return { pattern: options?.channel ?? message.subject, data, id: message.reply ?? 'no-reply' };
  }
}

/** Server side, out: the handler's Kea answer, bare; a handler that failed answers Kea's error. */
export class KeaAnswerSerializer implements ConsumerSerializer {
  serialize(packet: OutgoingResponse): { data: string } {
    if (packet.response !== undefined) return { data: JSON.stringify(packet.response) };
    const reason = packet.err === undefined ? 'no answer' : errorText(packet.err);
    return { data: JSON.stringify(answer(KEA_RESULT.error, `internal error: ${reason}`)) };
  }
}

function readControlMessage(data: Uint8Array): ControlMessage {
  // Commands are small; a huge one is refused before it is decoded, so that no event can carry it (an
  // event must fit in one NATS message to be published at all).
  if (data.length > MAX_COMMAND_BYTES) return { kind: 'too-large', bytes: data.length };
  try {
    return { kind: 'request', body: JSON.parse(new TextDecoder().decode(data)) };
  } catch {
    return { kind: 'malformed', bytes: data.length };
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
