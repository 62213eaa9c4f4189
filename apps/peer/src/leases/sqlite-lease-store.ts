import Database from 'better-sqlite3';
import type { Lease4 } from './lease';
import { ipv4ToNumber } from './lease';
import type { LeaseStore } from './lease-store';

interface LeaseRow {
  address: string;
  hw_address: string;
  client_id: string | null;
  subnet_id: number;
  valid_lft: number;
  cltt: number;
  fqdn_fwd: number;
  fqdn_rev: number;
  hostname: string;
  state: number;
}

const toLease = (row: LeaseRow): Lease4 => ({
  ipAddress: row.address,
  hwAddress: row.hw_address,
  clientId: row.client_id,
  subnetId: row.subnet_id,
  validLifetime: row.valid_lft,
  cltt: row.cltt,
  fqdnFwd: row.fqdn_fwd === 1,
  fqdnRev: row.fqdn_rev === 1,
  hostname: row.hostname,
  state: row.state,
});

/** The peer's leases in a SQLite file (WAL), keyed by the numeric address so that pages come in order. */
export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;

  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS leases4 (
      ip INTEGER PRIMARY KEY, address TEXT NOT NULL, hw_address TEXT NOT NULL, client_id TEXT,
      subnet_id INTEGER NOT NULL, valid_lft INTEGER NOT NULL, cltt INTEGER NOT NULL,
      fqdn_fwd INTEGER NOT NULL, fqdn_rev INTEGER NOT NULL, hostname TEXT NOT NULL, state INTEGER NOT NULL)`);
  }

  get(ipAddress: string): Lease4 | undefined {
    const row = this.db.prepare('SELECT * FROM leases4 WHERE ip = ?').get(ipv4ToNumber(ipAddress)) as
      LeaseRow | undefined;
    return row === undefined ? undefined : toLease(row);
  }

  put(lease: Lease4): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO leases4 VALUES (@ip, @address, @hw, @clientId, @subnetId, @validLft, @cltt,
         @fqdnFwd, @fqdnRev, @hostname, @state)`,
      )
      .run({
        ip: ipv4ToNumber(lease.ipAddress),
        address: lease.ipAddress,
        hw: lease.hwAddress,
        clientId: lease.clientId,
        subnetId: lease.subnetId,
        validLft: lease.validLifetime,
        cltt: lease.cltt,
        fqdnFwd: lease.fqdnFwd ? 1 : 0,
        fqdnRev: lease.fqdnRev ? 1 : 0,
        hostname: lease.hostname,
        state: lease.state,
      });
  }

  delete(ipAddress: string): boolean {
    return this.db.prepare('DELETE FROM leases4 WHERE ip = ?').run(ipv4ToNumber(ipAddress)).changes > 0;
  }

  page(after: string | null, limit: number): Lease4[] {
    const floor = after === null ? -1 : (ipv4ToNumber(after) ?? -1);
    const rows = this.db
      .prepare('SELECT * FROM leases4 WHERE ip > ? ORDER BY ip LIMIT ?')
      .all(floor, limit) as LeaseRow[];
    return rows.map(toLease);
  }

  all(): Lease4[] {
    return (this.db.prepare('SELECT * FROM leases4 ORDER BY ip').all() as LeaseRow[]).map(toLease);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM leases4').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
