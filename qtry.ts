import { EventStore, openDataSource } from '@haco/event-store';
import { PostgresServer } from './tools/harness/postgres-server';
import { generateStream } from './tools/harness/stream-generator';
(async () => {
  const pg = await PostgresServer.start({ fsync: false });
  const url = await pg.createDatabase('q');
  const ds = await openDataSource({ type: 'postgres', url });
  const store = new EventStore(ds);
  for (let i = 0; i < 20; i++) {
    const envs = generateStream(`bench/server${i + 1}`, 100_000, 100 + i).slice(0, 100_000);
    for (let at = 0; at < envs.length; at += 5000) await store.ingest(envs.slice(at, at + 5000).map((envelope) => ({ subject: 'b', envelope })), envs[at].at);
  }
  await ds.query('VACUUM ANALYZE');
  const [{ n }] = await ds.query('SELECT COUNT(*) AS n FROM transitions');
  console.log('rows', n);
  const show = async (label: string, sql: string, params: unknown[]) => {
    const plan = await ds.query('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params);
    console.log('==', label, '\n' + plan.map((r: any) => r['QUERY PLAN']).join('\n'));
  };
  await show('count state', 'SELECT COUNT(*) AS n FROM transitions WHERE (to_state = $1 OR from_state = $2)', ['load-balancing', 'load-balancing']);
  const order = 'ORDER BY at_ms, seq, position';
  await show('page state', `SELECT * FROM ((SELECT * FROM transitions WHERE to_state = $1 ${order} LIMIT $2) UNION ALL (SELECT * FROM transitions WHERE from_state = $3 AND to_state != $4 ${order} LIMIT $5)) page ${order} LIMIT $6 OFFSET $7`, ['load-balancing', 1100, 'load-balancing', 'load-balancing', 1100, 100, 1000]);
  await show('count cause', 'SELECT COUNT(*) AS n FROM transitions WHERE cause IN ($1)', ['command:ha-reset']);
  await show('page cause', `SELECT * FROM transitions WHERE cause IN ($1) ${order} LIMIT 50 OFFSET 0`, ['command:ha-reset']);
  await show('latest', `SELECT * FROM transitions ${order} LIMIT 100 OFFSET 0`, []);
  await ds.destroy();
  await pg.destroy();
})();
