import { appendFileSync, existsSync, renameSync, statSync } from 'node:fs';

/**
 * A log file kept within bounds: past `maxBytes` it is moved to `<file>.1` (the one before is dropped).
 * Written by hand: the lines are other processes' output, piped through the main job; pino's rotating
 * transports rotate a pino logger of the process itself, and a dozen lines do for one file and one backup.
 */
export class BoundedLogFile {
  private bytes: number;

  constructor(
    readonly path: string,
    private readonly maxBytes = 10 * 1024 * 1024,
  ) {
    this.bytes = existsSync(path) ? statSync(path).size : 0;
  }

  write(text: string): void {
    if (this.bytes + text.length > this.maxBytes && this.bytes > 0) {
      renameSync(this.path, `${this.path}.1`);
      this.bytes = 0;
    }
    appendFileSync(this.path, text, { mode: 0o600 });
    this.bytes += Buffer.byteLength(text);
  }
}
