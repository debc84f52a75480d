import type { Store } from './db';
import { migrate } from './migrations';
import { PostgresStore } from './postgres';
import { SqliteStore } from './sqlite';

export type { Param, Queryable, Row, Store } from './db';
export { UniqueViolation } from './db';

export type StoreOptions = { dataDir: string } | { databaseUrl: string };

/** Opens the configured backend and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const store: Store = 'databaseUrl' in options ? new PostgresStore(options.databaseUrl) : new SqliteStore(options.dataDir);
  await migrate(store);
  return store;
}
