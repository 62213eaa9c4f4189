import { isDeepStrictEqual } from 'node:util';
import type { CoordinatorSettings } from './coordinator-config';

/** What a SIGHUP found changed in the coordinator's settings, each section by name. */
export interface CoordinatorChanges {
  /** Sections that changed and need a restart (the NATS and database connections, the HTTP listener...). */
  readonly notReloaded: readonly string[];
  /** The log level, when it changed: it is taken at once. */
  readonly logLevel: string | null;
}

export function coordinatorChanges(
  running: CoordinatorSettings,
  read: CoordinatorSettings,
): CoordinatorChanges {
  const sections = ['nats', 'database', 'http', 'auth', 'retention'] as const;
  return {
    notReloaded: sections.filter((section) => !isDeepStrictEqual(running[section], read[section])),
    logLevel: running.logLevel === read.logLevel ? null : (read.logLevel ?? 'info'),
  };
}
