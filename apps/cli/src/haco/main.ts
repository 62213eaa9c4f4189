import { ApiClient, CliError } from './api-client';
import { ago, table } from './table';

const USAGE = `usage: haco [--url URL] [--token TOKEN] COMMAND
  status                               the peers and their states
  history [PEER] [--state S] [--since TIME] [--until TIME] [--cause TEXT] [--json]
  continue PEER [--reason TEXT] [--who NAME] [--guard STATE]
  command PEER JSON [--reason TEXT] [--who NAME]
  replay --verify [--db FILE] [--stream CLUSTER/PEER]
  export STREAM [--db FILE]            the stream's events as JSON lines
PEER is CLUSTER/PEER. URL and TOKEN default to HACO_URL (http://127.0.0.1:8080) and HACO_TOKEN.`;

interface PeerView {
  cluster: string;
  peer: string;
  state: string;
  paused: boolean;
  pausedSince: string | null;
  partner: { state: string };
  scopes: string[];
  lastHeartbeatAt: string | null;
  stateSince: string | null;
}

interface Transition {
  cluster: string;
  peer: string;
  seq: number;
  at: string;
  from: string;
  to: string;
  cause: string;
  commandId: string | null;
  durationInPreviousMs: number | null;
}

class Args {
  constructor(private readonly argv: string[]) {}

  option(name: string): string | undefined {
    const index = this.argv.indexOf(name);
    if (index < 0) return undefined;
    const value = this.argv[index + 1];
    if (value === undefined || value.startsWith('--'))
      throw new CliError(`${name} needs a value\n${USAGE}`, 2);
    this.argv.splice(index, 2);
    return value;
  }

  flag(name: string): boolean {
    const index = this.argv.indexOf(name);
    if (index >= 0) this.argv.splice(index, 1);
    return index >= 0;
  }

  /** What is left once the options were taken. */
  remaining(): string[] {
    return this.argv;
  }

  positional(): string[] {
    const unknown = this.argv.find((a) => a.startsWith('--'));
    if (unknown !== undefined) throw new CliError(`unknown option ${unknown}\n${USAGE}`, 2);
    return this.argv;
  }
}

function peerPath(peer: string | undefined): { cluster: string; peer: string } {
  const match = /^([A-Za-z0-9_-]+)\/([A-Za-z0-9_-]+)$/.exec(peer ?? '');
  if (match === null)
    throw new CliError(`PEER must be CLUSTER/PEER, not ${JSON.stringify(peer ?? '')}\n${USAGE}`, 2);
  return { cluster: match[1], peer: match[2] };
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function status(api: ApiClient): Promise<number> {
  const { peers } = await api.get<{ peers: PeerView[] }>('/peers');
  const now = Date.now();
  write(
    table(
      ['PEER', 'STATE', 'PAUSED', 'IN STATE', 'PARTNER', 'SCOPES', 'HEARTBEAT'],
      peers.map((p) => [
        `${p.cluster}/${p.peer}`,
        p.state,
        p.paused ? `yes, ${ago(p.pausedSince, now)}` : 'no',
        ago(p.stateSince, now).replace(' ago', ''),
        p.partner.state,
        p.scopes.join(',') || '-',
        ago(p.lastHeartbeatAt, now),
      ]),
    ),
  );
  return 0;
}

async function history(api: ApiClient, args: Args): Promise<number> {
  const state = args.option('--state');
  const since = args.option('--since');
  const until = args.option('--until');
  const cause = args.option('--cause');
  const json = args.flag('--json');
  for (const time of [since, until]) {
    if (time !== undefined && Number.isNaN(Date.parse(time))) throw new CliError(`not a time: ${time}`, 2);
  }
  const [peer] = args.positional();
  const targets =
    peer !== undefined ? [peerPath(peer)] : (await api.get<{ peers: PeerView[] }>('/peers')).peers;
  const transitions: Transition[] = [];
  for (const t of targets) {
    transitions.push(
      ...(await api.get<{ transitions: Transition[] }>(`/peers/${t.cluster}/${t.peer}/history`)).transitions,
    );
  }
  const shown = transitions
    .filter((t) => state === undefined || t.to === state || t.from === state)
    .filter((t) => since === undefined || Date.parse(t.at) >= Date.parse(since))
    .filter((t) => until === undefined || Date.parse(t.at) <= Date.parse(until))
    .filter((t) => cause === undefined || t.cause.includes(cause))
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (json) {
    for (const t of shown) write(JSON.stringify(t));
    return 0;
  }
  write(
    table(
      ['TIME', 'PEER', 'FROM', 'TO', 'AFTER', 'CAUSE', 'COMMAND'],
      shown.map((t) => [
        t.at,
        `${t.cluster}/${t.peer}`,
        t.from,
        t.to,
        t.durationInPreviousMs === null ? '-' : `${(t.durationInPreviousMs / 1000).toFixed(1)}s`,
        t.cause,
        t.commandId ?? '-',
      ]),
    ),
  );
  return 0;
}

interface Operator {
  readonly who: string;
  readonly why: string;
  readonly guard: string | undefined;
}

/** who, why and guard, taken out of the arguments before the positional ones are read. */
function operatorOptions(args: Args): Operator {
  return {
    who: args.option('--who') ?? process.env.USER ?? 'operator',
    why: args.option('--reason') ?? '',
    guard: args.option('--guard'),
  };
}

async function issue(
  api: ApiClient,
  peer: string | undefined,
  request: Record<string, unknown>,
  operator: Operator,
): Promise<number> {
  const target = peerPath(peer);
  const { who, why, guard } = operator;
  const answer = await api.post<{ commandId: string; result: number; text?: string }>(
    `/peers/${target.cluster}/${target.peer}/commands`,
    { ...request, who, why, ...(guard === undefined ? {} : { guard }) },
  );
  const { commandId, ...kea } = answer;
  write(JSON.stringify(kea));
  process.stderr.write(`command ${commandId} recorded\n`);
  return answer.result === 0 ? 0 : 1;
}

async function exportStream(args: Args): Promise<number> {
  const db = args.option('--db') ?? process.env.HACO_DB ?? 'data/coordinator/events.sqlite';
  const [stream] = args.positional();
  if (stream === undefined) throw new CliError(`export needs a STREAM\n${USAGE}`, 2);
  // The store (TypeORM, SQLite) loads only for the offline commands.
  const { EventStore, exportLines, openDataSource } = await import('@haco/event-store');
  const dataSource = await openDataSource({ path: db, readOnly: true }).catch((error: Error) => {
    throw new CliError(`cannot open ${db}: ${error.message}`, 2);
  });
  try {
    const store = new EventStore(dataSource);
    if ((await store.readStream(stream, 1, 1)).length === 0)
      throw new CliError(`no events in stream ${stream}`);
    await exportLines(store, stream, process.stdout);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

export async function haco(argv: string[]): Promise<number> {
  const args = new Args([...argv]);
  const api = new ApiClient(
    (args.option('--url') ?? process.env.HACO_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, ''),
    args.option('--token') ?? process.env.HACO_TOKEN ?? null,
  );
  const [command, ...afterCommand] = args.remaining();
  const rest = new Args(afterCommand);
  switch (command) {
    case 'status':
      return status(api);
    case 'history':
      return history(api, rest);
    case 'continue': {
      const operator = operatorOptions(rest);
      const [peer] = rest.positional();
      return issue(api, peer, { command: 'ha-continue' }, operator);
    }
    case 'command': {
      const operator = operatorOptions(rest);
      const [peer, json] = rest.positional();
      let request: unknown;
      try {
        request = JSON.parse(json ?? '');
      } catch {
        throw new CliError(
          `command needs PEER and a JSON request, e.g. '{"command": "ha-reset"}'\n${USAGE}`,
          2,
        );
      }
      return issue(api, peer, request as Record<string, unknown>, operator);
    }
    case 'replay': {
      const { replay } = await import('../replay/main');
      return replay(afterCommand);
    }
    case 'export':
      return exportStream(rest);
    default:
      throw new CliError(USAGE, 2);
  }
}

if (require.main === module) {
  haco(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      const cliError = error instanceof CliError ? error : new CliError((error as Error).message);
      process.stderr.write(`haco: ${cliError.message}\n`);
      process.exitCode = cliError.exitCode;
    });
}
