import type { DataSource, QueryRunner } from 'typeorm';

export type StoreKind = 'sqlite' | 'postgres';

/**
 * The few places where SQLite's and PostgreSQL's SQL differ, for the queries the store writes by hand:
 * JSON fields of the stored `data` text, substring search, and parameter markers. Queries are written
 * once with `?` markers; PostgreSQL's driver wants `$1, $2, …`.
 */
export interface SqlDialect {
  readonly kind: StoreKind;
  /** The text at `path` inside a JSON text column (`a.b` → `$.a.b`, or `{a,b}`). */
  json(column: string, path: string): string;
  /** Whether `column` contains the text of the next parameter. */
  contains(column: string): string;
  /** The statement as this driver takes it. */
  statement(sql: string): string;
}

const sqlite: SqlDialect = {
  kind: 'sqlite',
  json: (column, path) => `json_extract(${column}, '$.${path}')`,
  contains: (column) => `instr(${column}, ?) > 0`,
  statement: (sql) => sql,
};

const postgres: SqlDialect = {
  kind: 'postgres',
  json: (column, path) => `(${column}::jsonb #>> '{${path.split('.').join(',')}}')`,
  contains: (column) => `strpos(${column}, ?) > 0`,
  // The store's statements hold no `?` inside literals, so every one is a parameter marker.
  statement: (sql) => {
    let n = 0;
    return sql.replace(/\?/g, () => `$${(n += 1)}`);
  },
};

export function dialectOf(source: DataSource | QueryRunner): SqlDialect {
  const options = 'options' in source ? source.options : source.connection.options;
  return options.type === 'postgres' ? postgres : sqlite;
}

/** Runs a statement written with `?` markers on either driver. */
export function query<T>(source: DataSource | QueryRunner, sql: string, params: unknown[] = []): Promise<T> {
  return source.query(dialectOf(source).statement(sql), params) as Promise<T>;
}
