import { readFileSync } from 'node:fs';
import { readCases } from './conformance-case';
import type { ConformanceCase } from './conformance-case';
import { runCase } from './run-case';

/** The probe's usage, with the inputs a case can carry beside its kind (see ../shared/CONFORMANCE.md). */
const USAGE = `usage: npm run --silent conformance -- FILE
FILE: a JSON array of cases, or one case per line; one JSON object is printed per case.
A case's world: kind, mode, role, config, state, paused, pause_once_consumed, partner_state,
  communication, clock_skew_s, sync, event (or last_event: the event that ran the handler, e.g.
  maintenance-cancel), enter_from, target_state, command (config-set starts the HA service anew),
  arguments, partner_response ("unreachable", {"result", "text"}, or {"http_status": 401}: the partner's
  HTTP layer refused, Kea reads Unauthorized), prev_state (where a maintenance cancel returns), entered_by
  (ha-maintenance-start: a partner-down entered through maintenance serves the partner's scopes),
  dhcp_enabled_before and scopes_before (the DHCP switch and scopes before a command), peer_role, input.
`;

/**
 * `npm run --silent conformance -- FILE`: one JSON line per case on stdout, in order. A case that cannot
 * be run prints `{"id", "error"}` and the run goes on; the exit status is 0 once every case was tried.
 */
function main(argv: string[]): number {
  const file = argv[0];
  if (file === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    process.stderr.write(`conformance: cannot read ${file}: ${(error as Error).message}\n`);
    return 2;
  }
  for (const raw of readCases(text)) {
    const c: ConformanceCase =
      typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as ConformanceCase) : {};
    const id = c['id'] ?? null;
    let line: Record<string, unknown>;
    try {
      line = { id, ...runCase(c) };
    } catch (error) {
      line = { id, error: (error as Error).message };
    }
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  return 0;
}

// A reader that stops early (`| head`) is not an error of the probe.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = main(process.argv.slice(2));
