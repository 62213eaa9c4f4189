import type { NatsConnection } from '@nats-io/transport-node';

/**
 * How a subscription ends within 3 s: its error (a permissions violation, when NATS refuses it), `closed`,
 * `message`, or `still subscribed` when nothing ended it.
 */
export async function subscriptionEnd(nc: NatsConnection, subject: string): Promise<string> {
  const subscription = nc.subscribe(subject);
  let fallback: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    (async () => {
      try {
        for await (const _message of subscription) return 'message';
        return 'closed';
      } catch (error) {
        return String(error);
      }
    })(),
    new Promise<string>((resolve) => {
      fallback = setTimeout(() => resolve('still subscribed'), 3_000);
    }),
  ]);
  clearTimeout(fallback);
  return ended;
}
