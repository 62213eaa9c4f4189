import { CreateEventLog1764000000000 } from './1764000000000-create-event-log';
import { IndexCausation1764100000000 } from './1764100000000-index-causation';
import { Transitions1764200000000 } from './1764200000000-transitions';
import { HistoryLifecycle1764300000000 } from './1764300000000-history-lifecycle';
import { ProjectionCheckpoints1764400000000 } from './1764400000000-projection-checkpoints';
import { HistoryCounts1764500000000 } from './1764500000000-history-counts';
import { TransitionsFromTo1764600000000 } from './1764600000000-transitions-from-to';
import { Disputes1764700000000 } from './1764700000000-disputes';
import { SnapshotsAndArchive1764800000000 } from './1764800000000-snapshots-and-archive';
import { HashChain1764900000000 } from './1764900000000-hash-chain';

/** Every migration, oldest first: the only way the event store's schema changes. */
export const MIGRATIONS = [
  CreateEventLog1764000000000,
  IndexCausation1764100000000,
  Transitions1764200000000,
  HistoryLifecycle1764300000000,
  ProjectionCheckpoints1764400000000,
  HistoryCounts1764500000000,
  TransitionsFromTo1764600000000,
  Disputes1764700000000,
  SnapshotsAndArchive1764800000000,
  HashChain1764900000000,
];
