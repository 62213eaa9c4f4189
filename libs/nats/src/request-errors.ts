import { errors } from '@nats-io/transport-node';

/**
 * A failed NATS request in Kea's words: nobody listening on the subject is a refused connection (as a TCP
 * reset is for Kea), and a timeout is a timeout.
 */
export function requestFailureText(error: unknown): string {
  if (isNoResponders(error)) return 'Connection refused';
  if (error instanceof errors.TimeoutError || (error as Error)?.cause instanceof errors.TimeoutError) {
    return 'Connection timed out';
  }
  return error instanceof Error ? error.message : String(error);
}

export function isNoResponders(error: unknown): boolean {
  if (error instanceof errors.NoRespondersError) return true;
  return error instanceof errors.RequestError && error.isNoResponders();
}
