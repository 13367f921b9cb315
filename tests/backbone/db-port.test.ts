import { describe, expect, it } from 'vitest';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { PG_ADMIN_URL } from '../support/postgres';

/**
 * The database port (server/db/port.ts) gives the same answers on both adapters, whatever
 * the values: PGlite runs prepared statements as EXECUTE with quoted literals, PostgreSQL
 * through the protocol's bind, and neither may change a value on the way.
 */
describe.each(ADAPTERS)('the database port on %s', (adapter) => {
  // Without a server the PostgreSQL variant is skipped, and its database never opened.
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip(`PostgreSQL is not reachable at ${PG_ADMIN_URL}: this variant is SKIPPED`, () => undefined);
  const db = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  const awkward = [
    "O'Brien",
    "''",
    "'; DROP TABLE accounts; --",
    'back\\slash \\x41 \\n',
    '$1 $$ $fn$ E\'x\'',
    '𠀀 emoji 👨‍👩‍👧 \u200b zero width',
    '\uFFFD',
    'a'.repeat(20_000),
    '',
    ' leading and trailing ',
    'line\nbreak\ttab\rreturn',
  ];

  test.each(awkward.map((text) => [text.slice(0, 30), text]))('returns the text %j exactly as it was sent', async (_label, text) => {
    // The same statement text every time, so all but the first case run prepared.
    const [row] = await db().query<{ echoed: string; length: number }>('SELECT $1::text AS echoed, char_length($1::text) AS length', [text]);
    expect(row?.echoed).toBe(text);
    expect(Number(row?.length)).toBe([...text].length);
  });

  test('keeps bigint, number, boolean, null and Date values and their types', async () => {
    const when = new Date('2026-03-04T05:06:07.089Z');
    const [row] = await db().query<{ big: bigint; int: number; yes: boolean; nothing: null; at: Date }>(
      'SELECT $1::bigint AS big, $2::int AS int, $3::boolean AS yes, $4::text AS nothing, $5::timestamptz AS at',
      [9_007_199_254_740_993n, -42, true, null, when],
    );
    expect(row?.big).toBe(9_007_199_254_740_993n);
    expect(row?.int).toBe(-42);
    expect(row?.yes).toBe(true);
    expect(row?.nothing).toBeNull();
    expect(new Date(row!.at).toISOString()).toBe(when.toISOString());
  });

  test('refuses a text with a NUL character with an error, not a truncated value', async () => {
    await expect(db().query('SELECT $1::text AS t', ['before\u0000after'])).rejects.toBeTruthy();
  });

  test('a statement that failed to prepare reports its own error each time, and a good one still runs', async () => {
    for (let i = 0; i < 3; i += 1) {
      await expect(db().query('SELECT no_such_column FROM pg_class WHERE relname = $1', ['x'])).rejects.toMatchObject({ code: '42703' });
    }
    const [row] = await db().query<{ n: number }>('SELECT $1::int + 1 AS n', [1]);
    expect(row?.n).toBe(2);
  });

  test('a statement first prepared in a transaction that rolled back still runs afterwards', async () => {
    const sql = `SELECT $1::text || ' after rollback' AS t`;
    await expect(
      db().transaction(async (tx) => {
        // Twice: a statement is prepared the second time the adapter sees it.
        await tx.query(sql, ['first']);
        await tx.query(sql, ['again']);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [row] = await db().query<{ t: string }>(sql, ['second']);
    expect(row?.t).toBe('second after rollback');
  });

  test('a rolled-back transaction leaves nothing behind, a committed one keeps its rows', async () => {
    await db().exec('CREATE TABLE IF NOT EXISTS port_probe (k text PRIMARY KEY)');
    await expect(
      db().transaction(async (tx) => {
        await tx.query('INSERT INTO port_probe (k) VALUES ($1)', ['rolled back']);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await db().transaction(async (tx) => {
      await tx.query('INSERT INTO port_probe (k) VALUES ($1)', ['kept']);
    });
    const rows = await db().query<{ k: string }>('SELECT k FROM port_probe WHERE k = ANY($1::text[]) ORDER BY k', ['{kept,"rolled back"}']);
    expect(rows.map((r) => r.k)).toEqual(['kept']);
  });
});

describe('PGlite keeps the planner statistics fresh (it has no autovacuum)', () => {
  const db = useTestDb('pglite');

  it('after more than 1,000 statements an ANALYZE has run: reltuples counts the rows inserted meanwhile', async () => {
    await db().exec('CREATE TABLE stats_probe (k integer PRIMARY KEY)');
    const before = await db().query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'stats_probe'`);
    expect(Number(before[0]?.reltuples)).toBeLessThanOrEqual(0);
    for (let k = 0; k < 1_200; k += 1) await db().query('INSERT INTO stats_probe (k) VALUES ($1)', [k]);
    let reltuples = 0;
    for (let attempt = 0; attempt < 100 && reltuples <= 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const [row] = await db().query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'stats_probe'`);
      reltuples = Number(row?.reltuples);
    }
    expect(reltuples).toBeGreaterThan(500);
  });
});
