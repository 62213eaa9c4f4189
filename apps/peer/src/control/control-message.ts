/** A command as it arrives on the control channel, decoded by the wire deserializer. */
export type ControlMessage =
  /** Over the size limit: refused before anything reads it. */
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'malformed'; readonly bytes: number }
  | { readonly kind: 'request'; readonly body: unknown };

/** The largest command a peer takes over NATS. */
export const MAX_COMMAND_BYTES = 64 * 1024;
