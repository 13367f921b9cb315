import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, SqlParam } from './port';
import { statementName } from './statements';

const parsers = { [types.INT8]: (value: string) => BigInt(value) };

/**
 * A parameter as an SQL literal for EXECUTE. standard_conforming_strings is on (checked when
 * the database opens), so inside '…' a doubled quote is the only escape there is; every value,
 * numbers too, goes as a quoted literal that PostgreSQL coerces to the prepared parameter's
 * type, exactly as it does with the text a protocol-level bind sends.
 */
function literal(value: SqlParam): string {
  if (value === null) return 'NULL';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `'${text.replace(/'/g, "''")}'`;
}

type Session = Pick<PGlite, 'query' | 'exec'>;

/**
 * PGlite's API has no named statements: `query` parses, plans and describes its text on every
 * call (six messages through the WASM boundary). So each statement with parameters is
 * PREPAREd once — SQL-level, per session, and PGlite has exactly one — and then run as
 * `EXECUTE name('…', …)` in one simple-protocol message; PostgreSQL keeps its plan. (From
 * its second use on: see `seen`.)
 * A prepared statement outlives a rolled-back transaction; one whose PREPARE failed is
 * forgotten, so the next call tries again (and reports its own error). A string with a NUL
 * (which PostgreSQL text cannot hold) takes the ordinary path, which rejects it.
 */
function statementRunner(preparing: boolean, onStatement: () => void) {
  const prepared = new Map<string, Promise<void>>();
  // A statement is prepared the second time it is seen: one-off statements (migrations, the
  // demo seed, operator imports) would only pay an extra PREPARE.
  const seen = new Set<string>();
  async function prepare(session: Session, name: string, sql: string): Promise<void> {
    let ready = prepared.get(name);
    if (!ready) {
      ready = session.exec(`PREPARE ${name} AS ${sql}`).then(() => undefined);
      prepared.set(name, ready);
      ready.catch(() => prepared.delete(name));
    }
    await ready;
  }
  return function wrap(session: Session): Queryable {
    return {
      async query<R>(sql: string, params: readonly SqlParam[] = []) {
        onStatement();
        const name = preparing && params.length > 0 ? statementName(sql) : undefined;
        const firstSight = name !== undefined && !seen.has(name);
        if (firstSight) seen.add(name);
        if (!name || firstSight || params.some((p) => typeof p === 'string' && p.includes('\u0000'))) {
          return (await session.query<R>(sql, params as unknown[])).rows;
        }
        await prepare(session, name, sql);
        const [result] = await session.exec(`EXECUTE ${name}(${params.map(literal).join(', ')})`);
        return (result?.rows ?? []) as R[];
      },
    };
  };
}

/**
 * PGlite has no autovacuum, so nothing ever refreshes the planner's statistics. A plan kept by
 * a prepared statement is made again only when they change: without this, a plan made while
 * `settlements` was empty (a sequential scan) stayed in use as the table grew, and a
 * settlement got slower with every one before it (2.2 → 4.2 ms over 7,000, docs/PERFORMANCE.md).
 * So every 1,000 statements it does what autovacuum would: the tables changed by more than
 * 50 rows + 10% since their last ANALYZE (autovacuum's analyze threshold) are analyzed. It is
 * queued behind the work in progress (PGlite runs one thing at a time) and never awaited by a
 * caller; a failure (closed meanwhile) is left for the next round.
 */
function statisticsKeeper(raw: PGlite) {
  let statements = 0;
  let running: Promise<void> | null = null;
  async function analyzeChanged(): Promise<void> {
    // Cumulative statistics reach pg_stat_* only when flushed, which PGlite never does by itself.
    await raw.exec('SELECT pg_stat_force_next_flush()');
    await raw.exec('SELECT 1');
    const changed = await raw.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, relname) AS name FROM pg_stat_user_tables
       WHERE n_mod_since_analyze > 50 + 0.1 * n_live_tup ORDER BY relname`,
    );
    if (changed.rows.length > 0) await raw.exec(`ANALYZE ${changed.rows.map((row) => row.name).join(', ')}`);
  }
  return {
    count(): void {
      statements += 1;
      if (running || statements % 1_000 !== 0) return;
      running = analyzeChanged()
        .catch(() => undefined)
        .finally(() => {
          running = null;
        });
    },
    /** Waits for an ANALYZE under way (before closing). */
    async settled(): Promise<void> {
      await running;
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite has no lock of its own: two processes on one data directory each keep their own
 * buffers, overwrite each other's pages and lose commits they both acknowledged. So the
 * directory gets a lock file beside it (`<dataDir>.lock`, the owner's pid): a second opener is
 * refused while the owner lives; after a crash (SIGKILL) the owner is gone and the next opener
 * takes the lock over. Returns the release.
 */
function lockDataDir(dataDir: string): () => void {
  const lockPath = `${path.resolve(dataDir)}.lock`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockPath, 'utf8').trim() === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
    } catch {
      continue; // released meanwhile
    }
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `the PGlite data directory ${dataDir} is in use by process ${owner}: stop that gateway first (or delete ${lockPath} if none runs)`,
      );
    }
    try {
      unlinkSync(lockPath); // stale: its process is gone
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`could not lock the PGlite data directory ${dataDir}`);
}

/**
 * Embedded PostgreSQL (PGlite). One connection: concurrent calls queue, and a transaction
 * holds the connection until it ends, which makes every transaction serial here.
 * `dataDir` undefined means in memory; a data directory is locked to this process.
 */
export async function openPglite(dataDir?: string, loadDataDir?: Blob): Promise<Db & { raw: PGlite }> {
  const release = dataDir ? lockDataDir(dataDir) : () => undefined;
  let raw: PGlite;
  try {
    raw = await PGlite.create({ dataDir, parsers, loadDataDir });
  } catch (error) {
    release();
    throw error;
  }
  try {
    const [setting] = (await raw.query<{ on: string }>(`SELECT current_setting('standard_conforming_strings') AS on`)).rows;
    if (setting?.on !== 'on') throw new Error('PGlite must run with standard_conforming_strings = on');
  } catch (error) {
    await raw.close();
    release();
    throw error;
  }
  const statistics = statisticsKeeper(raw);
  const wrap = statementRunner(true, statistics.count);
  const plain = wrap(raw);
  return {
    kind: 'pglite',
    raw,
    query: plain.query,
    // No timeouts in PGlite: a report transaction is an ordinary one.
    transaction: (fn) => raw.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await raw.exec(sql);
    },
    close: async () => {
      try {
        await statistics.settled();
        await raw.close();
      } finally {
        release();
      }
    },
  };
}
