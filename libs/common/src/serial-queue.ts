/**
 * Runs tasks one at a time in arrival order. The state machine is single-threaded like Kea's: every
 * input is decided and recorded before the next one is looked at.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
