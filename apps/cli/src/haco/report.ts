import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Option } from 'commander';
import type { ApiClient } from './api-client';
import { isoTime } from './peer-name';
import { CliError } from './api-client';

export interface ReportOptions {
  readonly cluster: string;
  readonly since: string;
  readonly until?: string;
  readonly format: 'md' | 'html' | 'json';
  readonly out?: string;
}

/**
 * `haco report --cluster C --since T1 [--until T2] [--format md|html|json] [--out FILE]`: the coordinator's
 * incident report of a cluster over a window, written to FILE or printed (docs/operations.md).
 */
export async function report(api: ApiClient, options: ReportOptions): Promise<number> {
  const query = new URLSearchParams({
    cluster: options.cluster,
    since: options.since,
    format: options.format,
  });
  if (options.until !== undefined) query.set('until', options.until);
  const response = await api.raw(`/report?${query.toString()}`);
  const text = await response.text();
  if (!response.ok) {
    let reason = text;
    try {
      reason = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: said as it came
    }
    throw new CliError(`report refused (${response.status}): ${reason}`, response.status === 400 ? 2 : 1);
  }
  if (options.out === undefined) process.stdout.write(text);
  else {
    writeFileSync(options.out, text);
    process.stdout.write(`wrote ${options.out}\n`);
  }
  return 0;
}

export function addReportCommand(
  program: Command,
  run: (code: Promise<number>) => void,
  api: () => ApiClient,
): void {
  program
    .command('report')
    .description("an incident report of a cluster over a window, from the coordinator's log")
    .requiredOption('--cluster <cluster>', 'the cluster')
    .requiredOption('--since <time>', 'from this time (ISO 8601)', isoTime)
    .option('--until <time>', 'up to this time (ISO 8601; now by default)', isoTime)
    .addOption(
      new Option('--format <format>', 'md, html or json').choices(['md', 'html', 'json']).default('md'),
    )
    .option('--out <file>', 'write it to this file instead of printing it')
    .action((options: ReportOptions) => run(report(api(), options)));
}
