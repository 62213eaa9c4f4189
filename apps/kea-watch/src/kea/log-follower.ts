import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';

/** Where reading stopped: the file (device and inode, so a rotated file is known) and the offset in it. */
export interface LogPosition {
  readonly dev: number;
  readonly ino: number;
  readonly offset: number;
}

/**
 * Follows Kea's log file from a saved position: each read returns the complete lines written since, and
 * the position after them. Kea rotates by renaming the file to `<file>.1` and starting a new one: what was
 * left unread in the old file is read first (found by its inode), then the new file from its start. A
 * file that shrank in place (truncated) is read again from its start.
 */
export class LogFollower {
  constructor(
    private readonly path: string,
    private position: LogPosition | null,
  ) {}

  get at(): LogPosition | null {
    return this.position;
  }

  /** Starts at the end of the file as it is now (nothing before the watcher started is read). */
  skipToEnd(): void {
    if (!existsSync(this.path)) return;
    const stat = statSync(this.path);
    this.position = { dev: stat.dev, ino: stat.ino, offset: stat.size };
  }

  read(): string[] {
    if (!existsSync(this.path)) return [];
    const current = statSync(this.path);
    const lines: string[] = [];
    const saved = this.position;
    if (saved !== null && (saved.ino !== current.ino || saved.dev !== current.dev)) {
      const rotated = `${this.path}.1`;
      if (existsSync(rotated)) {
        const old = statSync(rotated);
        if (old.ino === saved.ino && old.dev === saved.dev)
          lines.push(...this.readFrom(rotated, saved.offset).lines);
      }
      this.position = { dev: current.dev, ino: current.ino, offset: 0 };
    } else if (saved === null || current.size < saved.offset) {
      this.position = { dev: current.dev, ino: current.ino, offset: 0 };
    }
    const fresh = this.readFrom(this.path, this.position!.offset);
    lines.push(...fresh.lines);
    this.position = { dev: current.dev, ino: current.ino, offset: fresh.offset };
    return lines;
  }

  /** The complete lines from `offset` on, and the offset after the last complete one. */
  private readFrom(path: string, offset: number): { lines: string[]; offset: number } {
    const fd = openSync(path, 'r');
    try {
      const size = statSync(path).size;
      if (size <= offset) return { lines: [], offset };
      const buffer = Buffer.alloc(size - offset);
      readSync(fd, buffer, 0, buffer.length, offset);
      const text = buffer.toString('utf8');
      const end = text.lastIndexOf('\n');
      if (end < 0) return { lines: [], offset };
      return {
        lines: text.slice(0, end).split('\n'),
        offset: offset + Buffer.byteLength(text.slice(0, end + 1)),
      };
    } finally {
      closeSync(fd);
    }
  }
}
