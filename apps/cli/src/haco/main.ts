import { existsSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { ApiClient, CliError } from './api-client';
import { bashCompletion } from './completion';
import { exportStream } from './export-stream';
import { commandsList } from './commands-list';
import { addAuditCommand } from './audit-verify';
import { addOfflineCommands } from './offline-commands';
import { history } from './history';
import type { ReplayOptions } from './remote-reads';
import { exportRemote, replayRemote } from './remote-reads';
import { issue } from './issue';
import { continueOrPreview } from './dry-run';
import type { PeerName } from './peer-name';
import { isoTime, peerName, positiveNumber } from './peer-name';
import { status } from './status';
import { addReportCommand } from './report';
import { tokenAdd } from './token-add';
import type { NatsConfigOptions } from './nats-config';
import { natsConfig } from './nats-config';
import { write } from './views';

interface GlobalOptions {
  readonly url: string;
  readonly token?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_DB = 'data/coordinator/events.sqlite';
const DEFAULT_TOKENS_FILE = 'data/run/tokens.json';

/** The operator CLI. Exit status: 0 done, 1 refused or failed, 2 wrong usage. */
export function hacoProgram(run: (code: Promise<number>) => void): Command {
  const program = new Command('haco')
    .description('Operate a haco cluster through its coordinator.')
    .addOption(new Option('--url <url>', 'the coordinator').env('HACO_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'the API token for changes').env('HACO_TOKEN'))
    .showSuggestionAfterError()
    .exitOverride();
  const api = () => {
    const options = program.opts<GlobalOptions>();
    return new ApiClient(options.url.replace(/\/$/, ''), options.token || null);
  };
  const operator = (command: Command) =>
    command
      .option('--reason <text>', 'why: recorded with the command')
      .option('--on-behalf-of <name>', 'a person you act for: recorded beside your token\u2019s name')
      .option('--guard <state>', 'only if the peer is paused in this state');

  program
    .command('status')
    .description('the peers and their states')
    .option('--json', 'one JSON document instead of a table')
    .option('--watch [seconds]', 'refresh every SECONDS (2) until interrupted', positiveNumber)
    .option('--times <n>', 'with --watch: stop after N refreshes', positiveNumber)
    .action((options) => run(status(api(), options)));
  program
    .command('history')
    .description('transitions, their causes and commands, oldest first')
    .argument('[peer]', 'CLUSTER/PEER (every peer when left out)', peerName)
    .option('--state <state>', 'transitions from or to this state')
    .option('--since <time>', 'from this time (ISO 8601)', isoTime)
    .option('--until <time>', 'up to this time (ISO 8601)', isoTime)
    .option('--cause <text>', 'causes that contain this text')
    .option('--json', 'JSON lines instead of a table')
    .action((peer: PeerName | undefined, options) => run(history(api(), peer, options)));
  addReportCommand(program, run, api);
  addAuditCommand(program, run, api, (db) => localLog(db, program));
  operator(
    program
      .command('continue')
      .description('release a paused state machine (ha-continue)')
      .argument('<peer>', 'CLUSTER/PEER', peerName)
      .option('--wait', 'return once the peer has left the paused state')
      .option('--timeout <seconds>', 'with --wait: fail after SECONDS', positiveNumber, 30)
      .option('--dry-run', 'show what the release would do; send and record nothing')
      .option('--json', 'with --dry-run: the preview as JSON'),
  ).action((peer: PeerName, options) => run(continueOrPreview(api(), peer, options)));

  operator(
    program
      .command('command')
      .description('send a Kea command to a peer through the audited command path')
      .argument('<peer>', 'CLUSTER/PEER', peerName)
      .argument('<json>', 'the Kea request, e.g. \'{"command": "ha-reset"}\''),
  ).action((peer: PeerName, json: string, options) => run(issue(api(), peer, parseRequest(json), options)));
  program
    .command('commands')
    .description('every operator command: who sent what to which peer, why, and how it ended')
    .option('--peer <peer>', 'CLUSTER/PEER', peerName)
    .option('--command <name>', 'one command, e.g. ha-continue')
    .option('--who <name>', "one operator's commands")
    .option('--since <time>', 'from this time (ISO 8601, or 30m, 1h, 2d ago)', isoTime)
    .option('--until <time>', 'up to this time (ISO 8601, or 30m, 1h, 2d ago)', isoTime)
    .option('--outcome <outcome>', 'completed, refused, failed or pending')
    .option('--json', 'JSON lines instead of a table')
    .action((options) => run(commandsList(api(), options)));
  program
    .command('replay')
    .description('re-decide every recorded decision through the core (through the coordinator, or --db)')
    .option('--verify', 'verify every stream (or --stream), from its newest replay snapshot')
    .option('--from-start', 'with --verify: from the first event (archived ones too), checking each snapshot')
    .option('--archive <dir>', "retention's archive folder (a local log: archive/ beside it by default)")
    .option('--state-at <time>', "a stream's view at a past time (a local event log)", isoTime)
    .option('--stream <stream>', 'CLUSTER/PEER')
    .option('--db <file>', `a local event log instead of the coordinator (HACO_DB, else ${DEFAULT_DB})`)
    .action((options: ReplayOptions) => {
      const local = localLog(options.db, program);
      if (local === null && options.verify === true && options.stateAt === undefined) {
        return run(replayRemote(api(), options.stream, options.fromStart === true));
      }
      run(
        import('../replay/replay').then(({ replay }) =>
          replay([
            ...(options.verify ? ['--verify'] : []),
            ...(options.stateAt ? ['--state-at', options.stateAt] : []),
            ...(options.stream ? ['--stream', options.stream] : []),
            ...(options.fromStart ? ['--from-start'] : []),
            ...(options.archive ? ['--archive', options.archive] : []),
            '--db',
            existingLog(local ?? process.env.HACO_DB ?? DEFAULT_DB),
          ]),
        ),
      );
    });
  program
    .command('export')
    .description("a stream's events as JSON lines (through the coordinator, or --db)")
    .argument('<stream>', 'CLUSTER/PEER, or _coordinator/commands')
    .option('--db <file>', `a local event log instead of the coordinator (HACO_DB, else ${DEFAULT_DB})`)
    .option('--archive <dir>', "retention's archive folder (a local log: archive/ beside it by default)")
    .action((stream: string, options: { db?: string; archive?: string }) => {
      const local = localLog(options.db, program);
      run(
        local === null
          ? exportRemote(api(), stream)
          : exportStream(stream, existingLog(local), options.archive),
      );
    });
  program
    .command('token')
    .description('named API tokens (kept hashed in the coordinator\u2019s tokens file)')
    .command('add')
    .description('make a token for NAME with a role; print it once')
    .argument('<name>', 'who the token stands for: recorded as who with every command it sends')
    .requiredOption(
      '--role <role>',
      'viewer (reads), operator (continue, maintenance, sync) or admin (ha-reset, store)',
    )
    .option('--expires <time>', 'when the token stops working (ISO 8601)')
    .addOption(
      new Option('--file <file>', 'the tokens file').env('HACO_TOKENS_FILE').default(DEFAULT_TOKENS_FILE),
    )
    .action((name: string, options: { role: string; expires?: string; file: string }) =>
      run(tokenAdd(name, options)),
    );
  program
    .command('nats-config')
    .description(
      'write NATS security: an nkey per process and nats-server\u2019s configuration with each one\u2019s permissions',
    )
    .requiredOption('--cluster <name>', 'the cluster the peers belong to')
    .requiredOption('--peers <names>', 'the peers, comma-separated (each calls the others as HA partners)')
    .option('--watched <names>', 'real Kea servers a kea-watch follows, comma-separated (adds its user)')
    .requiredOption('--dir <dir>', 'where the seeds and nats-server.conf go (0700)')
    .option('--host <host>', 'the address nats-server listens on', '127.0.0.1')
    .option('--port <port>', 'its client port', positiveNumber, 4222)
    .option('--store-dir <dir>', 'its JetStream store', '/data')
    .option('--http-port <port>', 'its monitoring port (health checks)', positiveNumber)
    .action((options: NatsConfigOptions) => run(natsConfig(options)));
  addOfflineCommands(program, run);
  program
    .command('completion')
    .description('a bash completion script: source <(haco completion)')
    .action(() => {
      write(bashCompletion(program));
      run(Promise.resolve(0));
    });
  return program;
}

/**
 * Which event log a reading command reads: `--db` when given; else the coordinator's API when HACO_URL or
 * --url names one; else HACO_DB (or the main job's own file). null means the API.
 */
function localLog(db: string | undefined, program: Command): string | null {
  if (db !== undefined) return db;
  const urlGiven = program.getOptionValueSource('url') !== 'default';
  if (urlGiven) return null;
  return process.env.HACO_DB ?? DEFAULT_DB;
}

/** A log file that is not there is a failure to report (exit 1), not wrong usage. */
function existingLog(path: string): string {
  if (!existsSync(path))
    throw new CliError(`no event log at ${path} (--db, HACO_DB, or --url for the coordinator's)`);
  return path;
}

function parseRequest(json: string): Record<string, unknown> {
  try {
    const request: unknown = JSON.parse(json);
    if (typeof request === 'object' && request !== null && !Array.isArray(request)) {
      return request as Record<string, unknown>;
    }
  } catch {
    // Refused below, as wrong usage.
  }
  throw new CliError(`command needs PEER and a JSON request, e.g. '{"command": "ha-reset"}'`, 2);
}

/** Runs the CLI on `argv`; resolves to its exit status. */
export function haco(argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    let result: Promise<number> | null = null;
    // Actions hand their promise over and return nothing: commander must not chain on it.
    const program = hacoProgram((code) => {
      result = code;
    });
    const settle = (error: unknown): number => {
      if (error instanceof CommanderError) {
        // Help and version are answers, not errors; every other refusal of commander is wrong usage.
        return error.exitCode === 0 ? 0 : 2;
      }
      const cliError = error instanceof CliError ? error : new CliError((error as Error).message);
      process.stderr.write(`haco: ${cliError.message}\n`);
      return cliError.exitCode;
    };
    try {
      program.parse(['node', 'haco', ...argv]);
    } catch (error) {
      resolve(settle(error));
      return;
    }
    if (result === null) {
      program.outputHelp({ error: true });
      resolve(2);
      return;
    }
    (result as Promise<number>).then(resolve, (error: unknown) => resolve(settle(error)));
  });
}

if (require.main === module) {
  void haco(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
