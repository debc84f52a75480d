/**
 * The one storage interface. SQL is written once, in a portable dialect (`?` placeholders,
 * TEXT ids and timestamps, INTEGER booleans, JSON as TEXT); each backend adapts it.
 */
export type Row = Record<string, unknown>;
export type Param = string | number | null;

export interface Queryable {
  all<T = Row>(sql: string, params?: Param[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: Param[]): Promise<T | undefined>;
  /** Runs a statement; resolves to the number of rows changed. */
  run(sql: string, params?: Param[]): Promise<number>;
}

export interface Store extends Queryable {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Advances with every committed transaction when this process is the store's only writer
   * (SQLite), so derived data can be kept until it changes; null when other processes write too.
   */
  readonly changeVersion: number | null;
  /**
   * Runs `fn` atomically; the transaction commits when it resolves and rolls back when it throws.
   * `exclusive` also serializes it against every other exclusive transaction of every process
   * sharing the store (start-up work: migrations, bootstrap).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { exclusive?: boolean }): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Unique-constraint violations are reported as this error by both backends. */
export class UniqueViolation extends Error {
  readonly code = 'WARDEN_STORE_UNIQUE';
  constructor(message: string) {
    super(message);
  }
}
