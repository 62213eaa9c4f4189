import type { ApiClient } from './api-client';
import type { PeerName } from './peer-name';
import { table } from './table';
import type { Transition } from './views';
import { write } from './views';

export interface HistoryOptions {
  readonly state?: string;
  readonly since?: string;
  readonly until?: string;
  readonly cause?: string;
  readonly json?: boolean;
}

/** Transitions from the coordinator's indexed history, filtered there and read page by page. */
export async function history(
  api: ApiClient,
  peer: PeerName | undefined,
  options: HistoryOptions,
): Promise<number> {
  const query = new URLSearchParams();
  if (peer !== undefined) query.set('peer', `${peer.cluster}/${peer.peer}`);
  for (const key of ['state', 'since', 'until', 'cause'] as const) {
    const value = options[key];
    if (value !== undefined) query.set(key, value);
  }
  const shown = await api.pages<Transition>('/history', query, 'transitions');
  if (options.json === true) {
    for (const t of shown) write(JSON.stringify(t));
    return 0;
  }
  write(
    table(
      ['TIME', 'PEER', 'FROM', 'TO', 'AFTER', 'CAUSE', 'COMMAND', 'WHO', 'WHY'],
      shown.map((t) => [
        t.at,
        `${t.cluster}/${t.peer}`,
        t.from,
        t.to,
        t.durationInPreviousMs === null ? '-' : `${(t.durationInPreviousMs / 1000).toFixed(1)}s`,
        t.cause,
        t.commandId ?? '-',
        t.who ?? '-',
        t.why || '-',
      ]),
    ),
  );
  return 0;
}
