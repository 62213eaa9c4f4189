import { Injectable } from '@nestjs/common';
import type { IngestResult } from '@haco/event-store';
import { assertNever } from '@haco/common';

/** What the ingest has done since the coordinator started, for /metrics and the logs. */
@Injectable()
export class IngestStats {
  /** Messages taken off JetStream and committed. */
  messages = 0;
  /** Events stored, including those released from behind a closed gap. */
  appended = 0;
  duplicates = 0;
  held = 0;
  deadLetters = 0;
  /** When the last group was committed (ms since the epoch), for ingest lag. */
  lastCommitAt: number | null = null;

  count(result: IngestResult): void {
    switch (result.outcome) {
      case 'appended':
        this.appended += 1 + result.released;
        break;
      case 'duplicate':
        this.duplicates += 1;
        break;
      case 'held':
        this.held += 1;
        break;
      case 'dead-letter':
      case 'conflict':
        this.deadLetters += 1;
        break;
      default:
        assertNever(result, 'ingest result');
    }
  }
}
