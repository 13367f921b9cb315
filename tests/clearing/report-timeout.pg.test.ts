import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openPg } from '../../server/db/pg';
import { DatabaseUnavailable, type Db, type Queryable } from '../../server/db/port';
import { ManualClock } from '../../server/platform/clock';
import { clearingRowsQuery } from '../../server/store/clearing';
import { Harness } from '../support/harness';
import { freshPostgres, postgresAvailable } from '../support/postgres';

const pgAvailable = await postgresAvailable();

/** The gateway's timeouts, short: a statement 1 s (the client waits 1.2 s), a report 5 s. */
const timeouts = loadConfig({
  APP_ENV: 'development',
  DB_STATEMENT_TIMEOUT_MS: '1000',
  DB_QUERY_TIMEOUT_MS: '1200',
  DB_REPORT_TIMEOUT_MS: '5000',
}).database;

const statementTimeout = async (q: Queryable): Promise<string> =>
  (await q.query<{ value: string }>("SELECT current_setting('statement_timeout') AS value"))[0]!.value;

/**
 * The clearing statement reads every settlement of its month (about 4 s on a million): it runs
 * under DB_REPORT_TIMEOUT_MS, set for its transaction only (SET LOCAL), while every other
 * statement keeps the short DB_STATEMENT_TIMEOUT_MS of SPEC 2.13.
 */
describe.skipIf(!pgAvailable)('the report timeout on PostgreSQL', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  let db: Db;

  beforeAll(async () => {
    fresh = await freshPostgres(1);
    // One connection: the session a report used is the next one's.
    db = openPg(fresh.url, 1, { timeouts });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  it('is configuration, two minutes by default', () => {
    expect(loadConfig({ APP_ENV: 'development' }).database.reportMs).toBe(120_000);
    expect(() => loadConfig({ APP_ENV: 'development', DB_REPORT_TIMEOUT_MS: '10' })).toThrow(/DB_REPORT_TIMEOUT_MS/);
  });

  it('holds inside a report transaction only; ordinary statements and transactions keep the short one, before and after', async () => {
    expect(await statementTimeout(db)).toBe('1s');
    expect(await db.transaction((tx) => statementTimeout(tx))).toBe('1s');
    expect(await db.transaction((tx) => statementTimeout(tx), { report: true })).toBe('5s');
    expect(await statementTimeout(db)).toBe('1s');
    expect(await db.transaction((tx) => statementTimeout(tx))).toBe('1s');
  });

  it('lets a report statement run past the short limit, on the server and in the client, and nothing else', async () => {
    const slow = (q: Queryable) => q.query('SELECT pg_sleep(1.5)');
    await expect(db.transaction(slow, { report: true })).resolves.toHaveLength(1);
    await expect(slow(db)).rejects.toBeInstanceOf(DatabaseUnavailable);
    await expect(db.transaction(slow)).rejects.toBeInstanceOf(DatabaseUnavailable);
    // The connection is still good, and short.
    expect(await statementTimeout(db)).toBe('1s');
  });

  it('is what the clearing statement runs under, for the live month and for closing one', async () => {
    /** The statement_timeout in force each time the month's settlements are read. */
    const seen: string[] = [];
    const { sql: monthRows } = clearingRowsQuery(new Date(0), new Date(0));
    const watch = (q: Queryable): Queryable => ({
      async query(sql, params) {
        if (sql === monthRows) seen.push(await statementTimeout(q));
        return q.query(sql, params);
      },
    });
    const watched: Db = { ...db, ...watch(db), transaction: (fn, options) => db.transaction((tx) => fn(watch(tx)), options) };
    const h = await Harness.create(watched, {}, new ManualClock('2026-02-10T02:00:00Z'));
    await h.ok('clearingStatement', { month: '2026-02' }, h.adminKey); // live
    await h.ok('clearingStatement', { month: '2026-01' }, h.adminKey); // closed now, stored
    expect(seen).toEqual(['5s', '5s']);
    expect(await statementTimeout(db)).toBe('1s');
  }, 60_000);
});
