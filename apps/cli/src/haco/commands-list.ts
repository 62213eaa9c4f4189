import type { ApiClient } from './api-client';
import type { PeerName } from './peer-name';
import { table } from './table';
import { write } from './views';

export interface CommandsOptions {
  readonly peer?: PeerName;
  readonly command?: string;
  readonly who?: string;
  readonly since?: string;
  readonly until?: string;
  readonly outcome?: string;
  readonly json?: boolean;
}

interface CommandSummary {
  commandId: string;
  at: string;
  cluster: string;
  peer: string;
  command: string;
  who: string;
  onBehalfOf?: string | null;
  why: string;
  outcome: string;
  result: number | null;
  text: string | null;
}

/** Every operator command, as the coordinator recorded it: so "who released server1, and when" is one command. */
export async function commandsList(api: ApiClient, options: CommandsOptions): Promise<number> {
  const query = new URLSearchParams();
  if (options.peer !== undefined) query.set('peer', `${options.peer.cluster}/${options.peer.peer}`);
  for (const key of ['command', 'who', 'since', 'until', 'outcome'] as const) {
    const value = options[key];
    if (value !== undefined) query.set(key, value);
  }
  const shown = await api.pages<CommandSummary>('/commands', query, 'commands');
  if (options.json === true) {
    for (const c of shown) write(JSON.stringify(c));
    return 0;
  }
  write(
    table(
      ['TIME', 'PEER', 'COMMAND', 'WHO', 'WHY', 'OUTCOME', 'ID'],
      shown.map((c) => [
        c.at,
        `${c.cluster}/${c.peer}`,
        c.command,
        c.onBehalfOf ? `${c.who} (for ${c.onBehalfOf})` : c.who,
        c.why || '-',
        c.outcome,
        c.commandId,
      ]),
    ),
  );
  return 0;
}
