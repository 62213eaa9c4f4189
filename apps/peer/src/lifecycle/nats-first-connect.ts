import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';

/** How soon a peer says it cannot reach NATS, and how often it says it again while it still cannot. */
const FIRST_WORD_MS = 500;
const AGAIN_MS = 5_000;

/**
 * Waits for the first NATS connection (the client retries by itself, quietly) and says so while it waits:
 * at once, then every AGAIN_MS, naming the servers, and once more when connected. A peer started while NATS
 * is away must not look hung for the whole outage.
 */
export async function firstConnection(
  connecting: Promise<NatsConnection>,
  servers: readonly string[],
  log: Logger,
): Promise<NatsConnection> {
  let waitingSince: number | null = null;
  const say = () => {
    waitingSince ??= Date.now();
    log.warn('cannot reach NATS yet; retrying', { servers, waitingMs: Date.now() - waitingSince });
  };
  const first = setTimeout(say, FIRST_WORD_MS);
  const again = setInterval(say, AGAIN_MS);
  try {
    const nc = await connecting;
    if (waitingSince !== null) log.info('NATS reached', { servers, afterMs: Date.now() - waitingSince });
    return nc;
  } finally {
    clearTimeout(first);
    clearInterval(again);
  }
}
