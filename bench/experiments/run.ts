/**
 * `npm run bench -- experiments`: the settlement use case and the faster variants of this folder,
 * measured the same way in the same run (PostgreSQL 16 callers, raw UPDATE limit, hot sharer
 * with the largest-balance check, PGlite), after checking that each variant gives the same
 * answers, balances and ledger as the use case on a scripted set of cases.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { openPg } from '../../server/db/pg';
import { openPglite } from '../../server/db/pglite';
import { settle } from '../../server/usecases/settle';
import { measureHot, seedHot } from '../hot-sharer';
import { log, ms } from '../lib/options';
import { freshPgDatabase } from '../lib/pg';
import { waitForQuiet } from '../lib/quiet';
import { benchApp, insertInstitution, seedFamilies } from '../lib/seed';
import { ledgerMismatches, settleLoad, settlementLedgerMismatches, type SettleFn } from '../lib/settle-workload';
import { round } from '../lib/stats';
import { benchRawUpdate } from '../raw-update';
import { measureSettle, openSettleEnv } from '../settle-pg';
import { equivalence } from './equivalence';
import { settleCte, settleCteWith } from './settle-cte';
import { settleMerged } from './settle-merged';
import { settleSingle } from './settle-single';

interface Variant {
  name: string;
  what: string;
  /** Given the pool of the database it runs on (for named prepared statements). */
  make: (pool: pg.Pool | undefined) => SettleFn;
  pglite: boolean;
}

/** Named statements, prepared once per connection (the Db port has no way to ask for it). */
function prepared(pool: pg.Pool | undefined): SettleFn {
  if (!pool) throw new Error('prepared statements need the pg pool');
  return (app, institution, input) =>
    settleCteWith(async (sql, params, name) => (await pool.query({ name, text: sql, values: params as unknown[] })).rows, app, institution, input);
}

export const VARIANTS: Variant[] = [
  { name: 'usecase', what: 'server/usecases/settle.ts as it is', make: () => settle, pglite: true },
  { name: 'merged', what: 'same transaction, statements merged (6 round trips)', make: () => settleMerged, pglite: true },
  { name: 'cte', what: 'one read + one write statement, no BEGIN/COMMIT (2 round trips)', make: () => settleCte, pglite: true },
  { name: 'cte_prepared', what: '"cte" with named prepared statements (2 round trips, no re-planning)', make: prepared, pglite: false },
  { name: 'single', what: 'everything in one statement, rules in SQL (1 round trip)', make: () => settleSingle, pglite: true },
];

export async function benchExperiments(options: { write: boolean; only?: string[] }): Promise<{ figures: Record<string, number> }> {
  const variants = VARIANTS.filter((v) => !options.only || options.only.includes(v.name));
  const figures: Record<string, number> = {};
  const lines: string[] = [];

  // 1. Equivalence with the use case, each on fresh databases.
  const openDb = async () => {
    const database = await freshPgDatabase();
    const db = openPg(database.url, 4);
    return { db, pool: db.pool, close: async () => { await db.close(); await database.drop(); } };
  };
  for (const variant of variants.filter((v) => v.name !== 'usecase')) {
    let pool: pg.Pool | undefined;
    const result = await equivalence(
      async () => {
        const opened = await openDb();
        pool = opened.pool;
        return opened;
      },
      settle,
      (app, inst, input) => variant.make(pool)(app, inst, input),
    );
    figures[`exp_${variant.name}_equivalence_differences`] = result.differences;
    log(`equivalence ${variant.name}: ${result.differences} differences${result.differences ? `\n  ${result.detail.join('\n  ')}` : ''}`);
  }

  // 2. PostgreSQL, 16 callers, same population, one after the other; the raw limit in between.
  const env = await openSettleEnv();
  try {
    const pool = (env.app.db as unknown as { pool: pg.Pool }).pool;
    for (const variant of variants) {
      log(`experiment ${variant.name} on PostgreSQL (${variant.what})…`);
      const m = await measureSettle(env, variant.make(pool), `exp-${variant.name}`);
      figures[`exp_${variant.name}_pg_tps`] = round(m.load.rate);
      figures[`exp_${variant.name}_pg_p50_ms`] = round(m.load.latency.p50);
      figures[`exp_${variant.name}_pg_p99_ms`] = round(m.load.latency.p99);
      figures[`exp_${variant.name}_pg_errors`] = m.load.errors;
      figures[`exp_${variant.name}_round_trips`] = m.roundTrips.mulaidOnly;
      figures[`exp_${variant.name}_round_trips_self_pay`] = m.roundTrips.selfThenMulaid;
      figures[`exp_${variant.name}_ledger_mismatches`] = m.ledgerMismatches + m.settlementMismatches;
      lines.push(`## ${variant.name}: ${variant.what}`, ...m.roundTrips.log, '');
      log(`experiment ${variant.name}: ${round(m.load.rate)}/s p99 ${round(m.load.latency.p99)} ms, ${m.roundTrips.mulaidOnly} round trips`);
    }
    const raw = await benchRawUpdate(env.url);
    figures.exp_raw_update_pg_tps = raw.raw_update_pg_tps!;
    for (const variant of variants) {
      figures[`exp_${variant.name}_to_raw_ratio`] = Math.round((figures[`exp_${variant.name}_pg_tps`]! / raw.raw_update_pg_tps!) * 1000) / 1000;
    }
  } finally {
    await env.close();
  }

  // 3. The hot sharer, each variant on a fresh database.
  for (const variant of variants) {
    const database = await freshPgDatabase();
    const db = openPg(database.url, 16);
    try {
      const hot = await seedHot(await benchApp(db));
      log(`experiment ${variant.name}: hot sharer…`);
      const { load, check } = await measureHot(hot, variant.make(db.pool), `exp-hot-${variant.name}`);
      figures[`exp_${variant.name}_hot_tps`] = round(load.rate);
      figures[`exp_${variant.name}_hot_p99_ms`] = round(load.latency.p99);
      figures[`exp_${variant.name}_hot_largest_rule_violations`] = check.violations;
      figures[`exp_${variant.name}_hot_check_inconsistencies`] = check.inconsistencies;
      log(`experiment ${variant.name}: hot ${round(load.rate)}/s p99 ${round(load.latency.p99)} ms, check ${JSON.stringify(check)}`);
    } finally {
      await db.close().catch(() => undefined);
      await database.drop();
    }
  }

  // 4. PGlite, in memory, one population for all variants.
  const pgliteVariants = variants.filter((v) => v.pglite);
  if (pgliteVariants.length > 0) {
    const db = await openPglite();
    try {
      const app = await benchApp(db);
      const { relatives } = await seedFamilies(app, { sharers: 10_000, relatives: 10_000, perRelative: 2 });
      const { caller } = await insertInstitution(app);
      await db.exec('ANALYZE');
      for (const variant of pgliteVariants) {
        await waitForQuiet(`pglite ${variant.name}`);
        const load = await settleLoad(app, caller, relatives, variant.make(undefined), {
          workers: 16,
          warmupMs: ms(1_000),
          durationMs: ms(8_000),
          tag: `exp-pglite-${variant.name}`,
        });
        figures[`exp_${variant.name}_pglite_tps`] = round(load.rate);
        figures[`exp_${variant.name}_pglite_p99_ms`] = round(load.latency.p99);
        log(`experiment ${variant.name} on PGlite: ${round(load.rate)}/s p99 ${round(load.latency.p99)} ms (${load.errors} errors)`);
      }
      figures.exp_pglite_ledger_mismatches = (await ledgerMismatches(app)) + (await settlementLedgerMismatches(app));
    } finally {
      await db.close();
    }
  }

  const file = path.join(__dirname, '..', options.write ? 'results' : '.tmp', 'experiments-statements.txt');
  await writeFile(file, `${lines.join('\n')}\n`);
  return { figures };
}
