import { isDeepStrictEqual } from 'node:util';
import type { PeerSettings } from '../config/peer-config';

/** The settings a running peer takes on SIGHUP; every other change waits for a restart. */
const RELOADABLE = ['hooks', 'logLevel'] as const satisfies readonly (keyof PeerSettings)[];

/** The file's names for the settings, as an operator reads them in the reload's log line. */
const FILE_NAMES: Partial<Record<keyof PeerSettings, string>> = {
  ha: 'high-availability',
  logLevel: 'log-level',
  dataDir: 'data-dir',
  outboxArchive: 'outbox-archive',
  keaPartners: 'kea-partners',
};

export interface SettingsChanges {
  /** Changed, and taken now. */
  readonly reloaded: readonly string[];
  /** Changed in the file, but not taken: they need a restart. */
  readonly notReloaded: readonly string[];
}

/** What differs between the running settings and the file read again, split by what SIGHUP can take. */
export function settingsChanges(running: PeerSettings, read: PeerSettings): SettingsChanges {
  // haPath is where `ha` was found: a change to it is the relationship's, named once as such.
  const changed = (Object.keys(read) as (keyof PeerSettings)[]).filter(
    (key) => key !== 'haPath' && !isDeepStrictEqual(running[key], read[key]),
  );
  const name = (key: keyof PeerSettings) => FILE_NAMES[key] ?? key;
  const reloadable = (key: keyof PeerSettings) => (RELOADABLE as readonly string[]).includes(key);
  return {
    reloaded: changed.filter(reloadable).map(name),
    notReloaded: changed.filter((key) => !reloadable(key)).map(name),
  };
}
