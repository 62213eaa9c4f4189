import type { DataSource } from 'typeorm';
import { COMMANDS_STREAM } from '@haco/contracts';
import { dialectOf, query } from './sql/dialect';

/** An operator command as the audit lists it: what was asked, by whom and why, and how it ended. */
export interface CommandSummary {
  readonly commandId: string;
  readonly at: string;
  readonly cluster: string;
  readonly peer: string;
  readonly command: string;
  readonly arguments: unknown;
  /** The authenticated caller, and whom it said it acted for (a note, not authenticated). */
  readonly who: string;
  readonly onBehalfOf: string | null;
  readonly why: string;
  readonly guard: string | null;
  /** completed, refused or failed; pending while the peer has not answered. */
  readonly outcome: 'completed' | 'refused' | 'failed' | 'pending';
  readonly result: number | null;
  readonly text: string | null;
}

export interface CommandFilter {
  /** CLUSTER/PEER. */
  readonly peer?: string;
  readonly command?: string;
  readonly who?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
  readonly outcome?: CommandSummary['outcome'];
  readonly limit: number;
  readonly offset: number;
}

interface Row {
  at: string;
  issued: string;
  outcome_type: string | null;
  outcome: string | null;
}

const OUTCOMES: Record<string, CommandSummary['outcome']> = {
  CommandCompleted: 'completed',
  CommandRefused: 'refused',
  CommandFailed: 'failed',
};

/**
 * The coordinator's commands, from its own stream: each CommandIssued with the outcome caused by it, oldest
 * first, filtered in SQL (the stream is the coordinator's own, small beside the peers' logs).
 */
export async function listCommands(
  dataSource: DataSource,
  filter: CommandFilter,
): Promise<{ total: number; commands: CommandSummary[] }> {
  const { json } = dialectOf(dataSource);
  const conditions = ['i.stream = ?', "i.type = 'CommandIssued'"];
  const params: unknown[] = [COMMANDS_STREAM];
  const add = (sql: string, value: unknown) => {
    conditions.push(sql);
    params.push(value);
  };
  if (filter.peer !== undefined)
    add(`${json('i.data', 'cluster')} || '/' || ${json('i.data', 'peer')} = ?`, filter.peer);
  if (filter.command !== undefined) add(`${json('i.data', 'request.command')} = ?`, filter.command);
  if (filter.who !== undefined) add(`${json('i.data', 'who')} = ?`, filter.who);
  if (filter.sinceMs !== undefined) add('i.at >= ?', new Date(filter.sinceMs).toISOString());
  if (filter.untilMs !== undefined) add('i.at <= ?', new Date(filter.untilMs).toISOString());
  if (filter.outcome !== undefined) {
    if (filter.outcome === 'pending') conditions.push('o.type IS NULL');
    else
      add(
        'o.type = ?',
        Object.keys(OUTCOMES).find((type) => OUTCOMES[type] === filter.outcome),
      );
  }
  const from = `FROM events i LEFT JOIN events o ON o.stream = i.stream AND o.type != 'CommandIssued'
    AND o.causation_id = ${json('i.data', 'commandId')} WHERE ${conditions.join(' AND ')}`;
  const total = (await query<{ n: number }[]>(dataSource, `SELECT COUNT(*) AS n ${from}`, params))[0].n;
  const rows = await query<Row[]>(
    dataSource,
    `SELECT i.at AS at, i.data AS issued, o.type AS outcome_type, o.data AS outcome ${from}
     ORDER BY i.position LIMIT ? OFFSET ?`,
    [...params, filter.limit, filter.offset],
  );
  return { total, commands: rows.map(toSummary) };
}

function toSummary(row: Row): CommandSummary {
  const issued = JSON.parse(row.issued) as {
    commandId: string;
    cluster: string;
    peer: string;
    request: { command: string; arguments?: unknown };
    who: string;
    onBehalfOf?: string | null;
    why: string;
    guard: string | null;
  };
  const outcome = row.outcome === null ? null : (JSON.parse(row.outcome) as Record<string, unknown>);
  const response = outcome?.['response'] as { result?: number; text?: string } | undefined;
  const text =
    response?.text ??
    (outcome?.['reason'] as string | undefined) ??
    (outcome?.['error'] as string | undefined);
  return {
    commandId: issued.commandId,
    at: row.at,
    cluster: issued.cluster,
    peer: issued.peer,
    command: issued.request.command,
    arguments: issued.request.arguments ?? null,
    who: issued.who,
    onBehalfOf: issued.onBehalfOf ?? null,
    why: issued.why,
    guard: issued.guard,
    outcome: row.outcome_type === null ? 'pending' : (OUTCOMES[row.outcome_type] ?? 'pending'),
    result: typeof response?.result === 'number' ? response.result : row.outcome_type === null ? null : 1,
    text: text ?? null,
  };
}

/** Who sent each of these commands, and why (commands the coordinator never issued are left out). */
export async function operatorsOf(
  dataSource: DataSource,
  commandIds: readonly string[],
): Promise<Map<string, { who: string; why: string }>> {
  if (commandIds.length === 0) return new Map();
  const { json } = dialectOf(dataSource);
  const rows = await query<{ id: string; who: string; why: string }[]>(
    dataSource,
    `SELECT ${json('data', 'commandId')} AS id, ${json('data', 'who')} AS who, ${json('data', 'why')} AS why
     FROM events WHERE stream = ? AND type = 'CommandIssued'
       AND ${json('data', 'commandId')} IN (${commandIds.map(() => '?').join(', ')})`,
    [COMMANDS_STREAM, ...commandIds],
  );
  return new Map(rows.map((r) => [r.id, { who: r.who, why: r.why }]));
}
