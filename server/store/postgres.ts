import pg from 'pg';
import { type Param, type Queryable, type Row, type Store, UniqueViolation } from './db';

/** Advisory lock key for start-up work shared by all processes ("wdn" in ASCII). */
const STARTUP_LOCK = 0x77646e;

/** `?` placeholders become `$1..$n`; no statement here uses a literal question mark. */
const converted = new Map<string, string>();
function toPg(sql: string): string {
  let out = converted.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    converted.set(sql, out);
  }
  return out;
}

async function query(client: pg.Pool | pg.PoolClient, sql: string, params: Param[]): Promise<pg.QueryResult> {
  try {
    return await client.query(toPg(sql), params);
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw new UniqueViolation((err as Error).message);
    throw err;
  }
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    all: async <T = Row>(sql: string, params: Param[] = []) => (await query(client, sql, params)).rows as T[],
    get: async <T = Row>(sql: string, params: Param[] = []) => (await query(client, sql, params)).rows[0] as T | undefined,
    run: async (sql: string, params: Param[] = []) => (await query(client, sql, params)).rowCount ?? 0,
  };
}

/**
 * Shared store for several server processes. Nothing about authentication is cached in a
 * process, so a revocation committed by one is refused by all at once.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly changeVersion = null;
  private readonly pool: pg.Pool;
  private readonly direct: Queryable;

  constructor(connectionString: string) {
    this.pool = new pg.Pool({ connectionString, max: 10 });
    this.pool.on('error', () => undefined); // idle-client errors surface on the next query instead
    this.direct = queryable(this.pool);
  }

  all<T = Row>(sql: string, params?: Param[]) {
    return this.direct.all<T>(sql, params);
  }
  get<T = Row>(sql: string, params?: Param[]) {
    return this.direct.get<T>(sql, params);
  }
  run(sql: string, params?: Param[]) {
    return this.direct.run(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>, options: { exclusive?: boolean } = {}): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (options.exclusive) await client.query('SELECT pg_advisory_xact_lock($1)', [STARTUP_LOCK]);
      const value = await fn(queryable(client));
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
