import { handleLeaseCommand } from '../src/leases/lease-commands';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LeaseStore } from '../src/leases/lease-store';
import { MemoryLeaseStore, mergeSyncedLease } from '../src/leases/lease-store';
import { SqliteLeaseStore } from '../src/leases/sqlite-lease-store';
import { leaseFromJson } from '../src/leases/lease';

const NOW = 1_764_000_000;
const lease = (ip: string, extra: Record<string, unknown> = {}) => ({
  'ip-address': ip,
  'hw-address': '08:00:27:58:f1:e8',
  'subnet-id': 1,
  'valid-lft': 3600,
  cltt: NOW,
  ...extra,
});

const dir = mkdtempSync(join(tmpdir(), 'haco-leases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => LeaseStore][] = [
  ['memory', () => new MemoryLeaseStore()],
  [
    'a SQLite file',
    () => new SqliteLeaseStore(join(dir, `leases-${Math.random().toString(36).slice(2)}.sqlite`)),
  ],
];

describe.each(stores)('lease commands (Kea lease_cmds, IPv4) on %s', (_label, makeStore) => {
  it('adds, gets, updates, pages and deletes', () => {
    const store = makeStore();
    const run = (name: Parameters<typeof handleLeaseCommand>[1], args?: unknown) =>
      handleLeaseCommand(store, name, args, NOW);
    expect(run('lease4-add', lease('192.0.2.10'))).toEqual({
      result: 0,
      text: 'Lease for address 192.0.2.10, subnet-id 1 added.',
    });
    expect(run('lease4-add', lease('192.0.2.10'))).toEqual({ result: 1, text: 'IPv4 lease already exists.' });
    expect(run('lease4-add', lease('192.0.2.9'))).toMatchObject({ result: 0 });
    expect(run('lease4-add', lease('192.0.2.100'))).toMatchObject({ result: 0 });
    expect(run('lease4-get', { 'ip-address': '192.0.2.10' })).toMatchObject({
      result: 0,
      text: 'IPv4 lease found.',
      arguments: { 'ip-address': '192.0.2.10', 'hw-address': '08:00:27:58:f1:e8' },
    });
    expect(run('lease4-get', { 'ip-address': '192.0.2.11' })).toEqual({
      result: 3,
      text: 'Lease not found.',
    });
    expect(run('lease4-update', lease('192.0.2.10', { hostname: 'a' }))).toEqual({
      result: 0,
      text: 'IPv4 lease updated.',
    });
    expect(run('lease4-update', lease('192.0.2.50'))).toMatchObject({ result: 1 });
    expect(run('lease4-update', lease('192.0.2.50', { 'force-create': true }))).toEqual({
      result: 0,
      text: 'IPv4 lease added.',
    });
    const first = run('lease4-get-page', { from: 'start', limit: 2 });
    expect(first).toMatchObject({ result: 0, text: '2 IPv4 lease(s) found.', arguments: { count: 2 } });
    const ips = (r: typeof first) =>
      (r.arguments as { leases: { 'ip-address': string }[] }).leases.map((l) => l['ip-address']);
    expect(ips(first)).toEqual(['192.0.2.9', '192.0.2.10']);
    expect(ips(run('lease4-get-page', { from: '192.0.2.10', limit: 2 }))).toEqual([
      '192.0.2.50',
      '192.0.2.100',
    ]);
    expect(run('lease4-get-page', { from: '192.0.2.100', limit: 2 })).toMatchObject({
      result: 3,
      text: '0 IPv4 lease(s) found.',
    });
    expect(run('lease4-get-page', { from: 'start', limit: 0 })).toMatchObject({ result: 1 });
    expect(run('lease4-del', { 'ip-address': '192.0.2.9' })).toEqual({
      result: 0,
      text: 'IPv4 lease deleted.',
    });
    expect(run('lease4-del', { 'ip-address': '192.0.2.9' })).toEqual({
      result: 3,
      text: 'IPv4 lease not found.',
    });
    expect(run('lease4-get-all')).toMatchObject({ result: 0, text: '3 IPv4 lease(s) found.' });
  });

  it.each<[string, unknown]>([
    ['no parameters', undefined],
    ['a list', []],
    ['no address', { 'hw-address': '08:00:27:58:f1:e8' }],
    ['a bad address', lease('192.0.2.300')],
    ['no hardware address', { 'ip-address': '192.0.2.1' }],
    ['a negative lifetime', lease('192.0.2.1', { 'valid-lft': -1 })],
  ])('refuses lease4-add with %s', (_label, args) => {
    expect(handleLeaseCommand(makeStore(), 'lease4-add', args, NOW)).toMatchObject({ result: 1 });
  });

  it('merges synced leases by cltt', () => {
    const store = makeStore();
    const parse = (extra: Record<string, unknown>) =>
      leaseFromJson(lease('192.0.2.1', extra), NOW) as Exclude<ReturnType<typeof leaseFromJson>, string>;
    expect(mergeSyncedLease(store, parse({ cltt: 100 }))).toBe('added');
    expect(mergeSyncedLease(store, parse({ cltt: 50 }))).toBe('kept');
    expect(mergeSyncedLease(store, parse({ cltt: 200 }))).toBe('replaced');
    expect(store.get('192.0.2.1')?.cltt).toBe(200);
  });
});

describe('the SQLite lease store', () => {
  it('keeps leases in the file across reopening', () => {
    const path = join(dir, 'reopen.sqlite');
    const first = new SqliteLeaseStore(path);
    handleLeaseCommand(first, 'lease4-add', lease('192.0.2.7'), NOW);
    first.close();
    const second = new SqliteLeaseStore(path);
    expect(second.get('192.0.2.7')).toMatchObject({ hwAddress: '08:00:27:58:f1:e8', cltt: NOW });
    expect(second.count()).toBe(1);
    second.close();
  });
});
