import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/**
 * Tells the live readers of the log that something was committed (by the ingest, or a command record), so
 * that they read what is new when it is there instead of polling the database on a timer.
 */
@Injectable()
export class LogTail {
  private readonly commits = new Subject<void>();
  readonly committed$ = this.commits.asObservable();

  committed(): void {
    this.commits.next();
  }
}
