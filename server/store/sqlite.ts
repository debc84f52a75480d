import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Param, type Queryable, type Row, type Store, UniqueViolation } from './db';

function translate<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new UniqueViolation((err as Error).message);
    throw err;
  }
}

/**
 * The embedded default. WAL with synchronous=FULL: a write is on disk before it is acknowledged,
 * so it survives `kill -9` and power loss. Statements are cached: preparing is the costly part.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  changeVersion = 0;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(dataDir, 'warden.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private readonly direct: Queryable = {
    all: async <T = Row>(sql: string, params: Param[] = []) => translate(() => this.statement(sql).all(...params) as T[]),
    get: async <T = Row>(sql: string, params: Param[] = []) => translate(() => this.statement(sql).get(...params) as T | undefined),
    run: async (sql: string, params: Param[] = []) => translate(() => this.statement(sql).run(...params).changes),
  };

  all<T = Row>(sql: string, params?: Param[]) {
    return this.direct.all<T>(sql, params);
  }
  get<T = Row>(sql: string, params?: Param[]) {
    return this.direct.get<T>(sql, params);
  }
  run(sql: string, params?: Param[]) {
    return this.direct.run(sql, params);
  }

  /**
   * One connection: transactions are serialized so that no two interleave at an await. BEGIN
   * IMMEDIATE takes the write lock up front, which also makes every transaction exclusive.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const value = await fn(this.direct);
        this.db.exec('COMMIT');
        this.changeVersion++;
        return value;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
