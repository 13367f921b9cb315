/**
 * The one database port of the server. Two adapters implement it: embedded PGlite
 * (`pglite.ts`, the default) and a PostgreSQL server through `pg` (`pg.ts`). Use cases
 * only ever see this interface, so the same SQL runs on both.
 */
export type SqlParam = string | number | bigint | boolean | Date | null;

export interface Queryable {
  /** One statement with `$1…` parameters; returns its rows. BIGINT columns come back as bigint. */
  query<R = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<R[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /**
   * Runs `fn` in one transaction (READ COMMITTED) and commits, or rolls back when it throws.
   * Use only `tx` inside `fn`. On a server, a deadlock or serialization failure retries the
   * whole function, so `fn` must have no side effects outside the database.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** SQLSTATE codes the use cases react to. Both drivers put the SQLSTATE in `error.code`. */
export const SQLSTATE = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
