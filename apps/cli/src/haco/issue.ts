import type { ApiClient } from './api-client';
import { CliError } from './api-client';
import type { PeerName } from './peer-name';
import type { PeerView } from './views';
import { write } from './views';

export interface OperatorOptions {
  /** Someone the caller acts for: recorded as a note beside the authenticated name. */
  readonly onBehalfOf?: string;
  readonly reason?: string;
  readonly guard?: string;
}

export interface WaitOptions {
  /** Return only once the peer has left its pause; fail after `timeout` seconds. */
  readonly wait?: boolean;
  readonly timeout: number;
}

const POLL_MS = 250;

/** Sends one command through the audited command path and prints Kea's answer. */
export async function issue(
  api: ApiClient,
  target: PeerName,
  request: Record<string, unknown>,
  operator: OperatorOptions,
): Promise<number> {
  const answer = await api.post<{ commandId?: string; result: number; text?: string }>(
    `/peers/${target.cluster}/${target.peer}/commands`,
    {
      ...request,
      ...(operator.onBehalfOf === undefined ? {} : { onBehalfOf: operator.onBehalfOf }),
      why: operator.reason ?? '',
      ...(operator.guard === undefined ? {} : { guard: operator.guard }),
    },
  );
  const { commandId, ...kea } = answer;
  write(JSON.stringify(kea));
  // A read (status-get, ha-heartbeat) is answered and never recorded: it has no command id.
  if (commandId !== undefined) process.stderr.write(`command ${commandId} recorded\n`);
  return answer.result === 0 ? 0 : 1;
}

/**
 * `continue --wait`, as Patroni's `resume --wait`: after the peer accepted the continue, wait until the
 * coordinator's view of it is no longer paused, or fail once `timeout` seconds have passed.
 */
export async function continuePeer(
  api: ApiClient,
  target: PeerName,
  operator: OperatorOptions,
  wait: WaitOptions,
): Promise<number> {
  const code = await issue(api, target, { command: 'ha-continue' }, operator);
  if (code !== 0 || wait.wait !== true) return code;
  const deadline = Date.now() + wait.timeout * 1000;
  for (;;) {
    const view = await api.get<PeerView>(`/peers/${target.cluster}/${target.peer}`);
    if (!view.paused) {
      process.stderr.write(`${target.cluster}/${target.peer} is no longer paused: ${view.state}\n`);
      return 0;
    }
    if (Date.now() >= deadline) {
      throw new CliError(
        `${target.cluster}/${target.peer} is still paused in ${view.state} after ${wait.timeout} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
