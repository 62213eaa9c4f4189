import { Injectable } from '@nestjs/common';

/** Requests answered 4xx, by status, since the coordinator started: for /metrics. */
@Injectable()
export class RefusalCounter {
  readonly byStatus = new Map<number, number>();

  count(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
}
