import { randomUUID } from 'node:crypto';

/** Where event and command ids come from. */
export interface IdSource {
  next(): string;
}

export const randomIds: IdSource = { next: () => randomUUID() };
