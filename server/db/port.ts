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

export interface TransactionOptions {
  /**
   * A report or a sweep run by the scheduler or by staff, never a user's request (the clearing
   * statement): its statements may run up to DB_REPORT_TIMEOUT_MS instead of the short
   * DB_STATEMENT_TIMEOUT_MS that keeps requests within SPEC 2.13's 5 s. On a server only;
   * PGlite has no timeouts.
   */
  report?: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /**
   * Runs `fn` in one transaction (READ COMMITTED) and commits, or rolls back when it throws.
   * Use only `tx` inside `fn`. On a server, a deadlock or serialization failure retries the
   * whole function, so `fn` must have no side effects outside the database.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
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

/**
 * The database cannot be reached (SPEC 2.13): the connection was refused, reset or cut, it or a
 * statement timed out, the server is shutting down, or it has become read-only (a standby after
 * a failover). The runtime answers UNAVAILABLE (HTTP 503). A transaction that failed so was
 * rolled back whole by the server, and the client may retry it with the same idempotency key.
 */
export class DatabaseUnavailable extends Error {
  constructor(override readonly cause: unknown) {
    super(`database unavailable: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DatabaseUnavailable';
  }
}

/** Socket errors of a connection that is gone or never came. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of an unreachable database: class 08 (connection exception), 57P01–57P03
 * (shutdown, crash, cannot connect now), 25006 (read-only transaction: a standby), 57014
 * (statement timeout: the server did not answer in time) and 53300 (too many connections).
 */
const UNREACHABLE_STATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '25006', '57014', '53300']);

/** What `pg` and `pg-pool` throw, without a code, when a connection ends or times out. */
const UNREACHABLE_MESSAGE =
  /^(Connection terminated|timeout expired|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Connection ended|connect ETIMEDOUT|server is not the primary)/i;

/** Whether `error` means "the database cannot be reached" rather than a fault of the statement. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailable) return true;
  const code = sqlState(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code) || UNREACHABLE_STATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  return error instanceof Error && UNREACHABLE_MESSAGE.test(error.message);
}
