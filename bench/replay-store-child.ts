import { writeFileSync } from 'node:fs';
import { replay } from '../apps/cli/src/replay/main';

/**
 * The replay bench's own process: `replay --verify` over a store, exactly as an operator runs it, then its
 * time and its whole life's peak RSS (nothing else ran in it). argv: DB RESULT_FILE.
 */
async function main([db, resultFile]: string[]): Promise<void> {
  const start = process.hrtime.bigint();
  const code = await replay(['--verify', '--db', db]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  writeFileSync(resultFile, JSON.stringify({ code, seconds, peakRssMiB }));
}

if (require.main === module) void main(process.argv.slice(2));
