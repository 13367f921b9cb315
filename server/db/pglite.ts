import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import type { Db, Queryable, SqlParam } from './port';

const parsers = { [types.INT8]: (value: string) => BigInt(value) };

function wrap(target: Pick<PGlite, 'query'>): Queryable {
  return {
    async query<R>(sql: string, params: readonly SqlParam[] = []) {
      const result = await target.query<R>(sql, params as unknown[]);
      return result.rows;
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
  const plain = wrap(raw);
  return {
    kind: 'pglite',
    raw,
    query: plain.query,
    transaction: (fn) => raw.transaction((tx) => fn(wrap(tx))),
    exec: async (sql) => {
      await raw.exec(sql);
    },
    close: async () => {
      try {
        await raw.close();
      } finally {
        release();
      }
    },
  };
}
