import type { KeaResponse } from '@haco/ha-core';

/** A command as it arrives on the control channel, decoded by the wire deserializer. */
export type ControlMessage =
  /** Over the size limit: refused before anything reads it. */
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'malformed'; readonly bytes: number }
  | { readonly kind: 'request'; readonly body: unknown };

/** The largest command a peer takes over NATS. */
export const MAX_COMMAND_BYTES = 64 * 1024;

/** Where Kea 2.2.0 closes the connection without an answer: nothing is sent back; the reason is logged. */
export interface NoAnswer {
  readonly noAnswer: string;
}

/** What the control channel gives back: Kea's answer, or none at all. */
export type ControlAnswer = KeaResponse | NoAnswer;

export function isNoAnswer(answer: unknown): answer is NoAnswer {
  return typeof answer === 'object' && answer !== null && 'noAnswer' in answer;
}
