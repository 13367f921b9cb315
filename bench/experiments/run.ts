/**
 * `npm run bench -- experiments`: the settlement use case (2 round trips: a read, then one call
 * of the PL/pgSQL function settle_commit), the product as it was before (tx5, 5 round trips),
 * and the other variants of this folder, measured the
 * same way in the same run, interleaved (bench/lib/interleave.ts) so that they meet the same
 * conditions on this shared machine:
 *  0. equivalence: each variant gives the same answers, balances and ledger as the use case on
 *     a scripted set of cases (bench/experiments/equivalence.ts), on PostgreSQL and on PGlite;
 *     the use case and the variant each on its own database;
 *  1. PostgreSQL, 16 callers, the settle population, with the raw UPDATE limit as one more arm;
 *     round trips counted on the wire, CPU per settlement;
 *  2. the hot sharer with the largest-balance check, each variant on its own database, and two
 *     deliberately wrong variants that the check must catch;
 *  3. PGlite in memory.
 * Every arm runs on the product's adapters as they are (statements prepared); the adapters have
 * no switch for benchmarks (the unprepared arms were dropped with it: docs/PERFORMANCE.md keeps
 * their last figures).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openPg } from '../../server/db/pg';
import { openPglite } from '../../server/db/pglite';
import { settle } from '../../server/usecases/settle';
import { hotArm, measureHot, seedHot, type HotCheck } from '../hot-sharer';
import { interleave, type Arm } from '../lib/interleave';
import { log, ms } from '../lib/options';
import { freshPgDatabase, keepConnections } from '../lib/pg';
import { waitForQuiet } from '../lib/quiet';
import { benchApp, insertInstitution, seedFamilies } from '../lib/seed';
import { countRoundTrips, ledgerMismatches, settleLoad, settlementLedgerMismatches, type SettleFn } from '../lib/settle-workload';
import { round } from '../lib/stats';
import { openRawUpdate } from '../raw-update';
import { openSettleEnv, settleArm, settleChecks, settleCpu } from '../settle-pg';
import { equivalence } from './equivalence';
import { floorArm } from './floor';
import { NEGATIVE_CONTROLS } from './negative';
import { settleCte } from './settle-cte';
import { settleMerged } from './settle-merged';
import { settleSingle } from './settle-single';
import { settleTx5 } from './settle-tx5';

interface Variant {
  name: string;
  what: string;
  fn: SettleFn;
  /** Measured on PostgreSQL (openPg as the product uses it). */
  pg?: 'prepared';
  /** Measured on PGlite (openPglite as the product uses it). */
  pglite?: 'prepared';
}

export const VARIANTS: Variant[] = [
  {
    name: 'usecase',
    what: 'server/usecases/settle.ts as it is: one read, then one call of the PL/pgSQL function settle_commit (2 round trips; statements prepared by both adapters)',
    fn: settle,
    pg: 'prepared',
    pglite: 'prepared',
  },
  {
    name: 'tx5',
    what: 'the product at 919b2b6 (settle-tx5.ts): read, BEGIN, lock statement, one CTE write, COMMIT (5 round trips; prepared)',
    fn: settleTx5,
    pg: 'prepared',
    pglite: 'prepared',
  },
  {
    name: 'cte',
    what: 'one read + one write statement that locks, decides and writes; no BEGIN/COMMIT, no function (2 round trips; prepared)',
    fn: settleCte,
    pg: 'prepared',
    pglite: 'prepared',
  },
  { name: 'single', what: 'everything in one statement, rules in SQL (1 round trip; prepared)', fn: settleSingle, pg: 'prepared', pglite: 'prepared' },
];

/** PostgreSQL through the server's adapter, as the product opens it. */
function openPgFor(_variant: Variant, url: string, size: number) {
  return openPg(url, size);
}

/**
 * Tried and dropped from the default list (docs/PERFORMANCE.md has its figures): "merged", the
 * first use case's transaction with its statements merged and the choice in TypeScript.
 * BENCH_EXPERIMENTS=merged,usecase npm run bench -- experiments runs it again.
 */
export const DROPPED: Variant[] = [
  {
    name: 'merged',
    what: "the first use case's transaction, statements merged, choice in TypeScript: read, BEGIN, lock, one write, COMMIT (5 round trips; prepared)",
    fn: settleMerged,
    pg: 'prepared',
    pglite: 'prepared',
  },
];

export async function benchExperiments(options: { write: boolean; only?: string[] }): Promise<{ figures: Record<string, number> }> {
  const only = options.only ?? process.env.BENCH_EXPERIMENTS?.split(',');
  const variants = only ? [...VARIANTS, ...DROPPED].filter((v) => only.includes(v.name)) : VARIANTS;
  const figures: Record<string, number> = {};
  const lines: string[] = [];

  // 0. Equivalence with the use case, each on fresh databases: the use case on the default
  //    (prepared) adapter, the variant on its own.
  for (const variant of variants.filter((v) => v.name !== 'usecase' && v.pg)) {
    const result = await equivalence(
      async (side) => {
        const database = await freshPgDatabase();
        const db = side === 'reference' ? openPg(database.url, 4) : openPgFor(variant, database.url, 4);
        return {
          db,
          close: async () => {
            await db.close();
            await database.drop();
          },
        };
      },
      settle,
      variant.fn,
    );
    figures[`exp_${variant.name}_equivalence_differences`] = result.differences;
    log(`equivalence ${variant.name}: ${result.differences} differences${result.differences ? `\n  ${result.detail.join('\n  ')}` : ''}`);
  }

  // …and on PGlite, whose prepared statements run as EXECUTE with quoted literals.
  for (const variant of variants.filter((v) => v.name !== 'usecase' && v.pglite)) {
    const result = await equivalence(
      async () => {
        const db = await openPglite();
        return { db, close: () => db.close() };
      },
      settle,
      variant.fn,
    );
    figures[`exp_${variant.name}_pglite_equivalence_differences`] = result.differences;
    log(`equivalence ${variant.name} on PGlite: ${result.differences} differences${result.differences ? `\n  ${result.detail.join('\n  ')}` : ''}`);
  }

  // 1. PostgreSQL, 16 callers, interleaved with each other and with the raw UPDATE.
  const pgVariants = variants.filter((v) => v.pg);
  const env = await openSettleEnv();
  const raw = await openRawUpdate(env.url);
  keepConnections(env.app.db);
  try {
    const envOf = (_v: Variant) => env;
    for (const variant of pgVariants) {
      const rt = await countRoundTrips(envOf(variant).app, env.institution, variant.fn, env.relatives, env.selfPayers);
      figures[`exp_${variant.name}_round_trips`] = rt.mulaidOnly;
      figures[`exp_${variant.name}_round_trips_self_pay`] = rt.selfThenMulaid;
      lines.push(`## ${variant.name}: ${variant.what}`, ...rt.log, '');
      await settleArm(envOf(variant), variant.fn, `warm-${variant.name}`).slice(ms(1_000), 0);
    }
    const floor = await floorArm((env.app.db as unknown as { pool: import('pg').Pool }).pool, env.institution.code);
    await floor.slice(ms(500), 0);
    await waitForQuiet('experiments');
    log(`experiments on PostgreSQL: ${pgVariants.map((v) => v.name).join(', ')}, the writes floor and the raw UPDATE, interleaved…`);
    const arms: Arm[] = [...pgVariants.map((v) => settleArm(envOf(v), v.fn, v.name)), floor, raw.auto];
    const results = await interleave(arms, { rounds: 5, sliceMs: ms(3_000) });
    const rawRate = results.get('raw_update')!.rate;
    figures.exp_raw_update_pg_tps = round(rawRate);
    figures.exp_raw_update_pg_p99_ms = round(results.get('raw_update')!.latency.p99);
    const floorResult = results.get('writes_floor')!;
    figures.exp_writes_floor_pg_tps = round(floorResult.rate);
    figures.exp_writes_floor_pg_p99_ms = round(floorResult.latency.p99);
    figures.exp_writes_floor_to_raw_ratio = Math.round((floorResult.rate / rawRate) * 1000) / 1000;
    log(`writes only (the floor): ${round(floorResult.rate)}/s p99 ${round(floorResult.latency.p99)} ms, ratio ${figures.exp_writes_floor_to_raw_ratio}`);
    for (const variant of pgVariants) {
      const r = results.get(variant.name)!;
      figures[`exp_${variant.name}_pg_tps`] = round(r.rate);
      figures[`exp_${variant.name}_pg_p50_ms`] = round(r.latency.p50);
      figures[`exp_${variant.name}_pg_p99_ms`] = round(r.latency.p99);
      figures[`exp_${variant.name}_pg_errors`] = r.errors;
      figures[`exp_${variant.name}_pg_foreign_cores`] = round(r.foreignCores);
      figures[`exp_${variant.name}_to_raw_ratio`] = Math.round((r.rate / rawRate) * 1000) / 1000;
      if (r.errors > 0) log(`${variant.name}: ${r.errors} errors, first: ${r.firstError}`);
    }
    for (const variant of pgVariants) {
      const cpu = await settleCpu(envOf(variant), variant.fn, `cpu-${variant.name}`);
      figures[`exp_${variant.name}_node_cpu_ms_per_op`] = round(cpu.nodeMsPerOp);
      figures[`exp_${variant.name}_postgres_cpu_ms_per_op`] = round(cpu.postgresMsPerOp);
      log(
        `experiment ${variant.name}: ${figures[`exp_${variant.name}_pg_tps`]}/s p99 ${figures[`exp_${variant.name}_pg_p99_ms`]} ms, ` +
          `ratio ${figures[`exp_${variant.name}_to_raw_ratio`]}, ${figures[`exp_${variant.name}_round_trips`]} round trips, ` +
          `CPU/settlement node ${round(cpu.nodeMsPerOp)} ms + PostgreSQL ${round(cpu.postgresMsPerOp)} ms`,
      );
    }
    const checks = await settleChecks(env);
    figures.exp_pg_ledger_mismatches = checks.ledgerMismatches + checks.settlementMismatches;
  } finally {
    await raw.close();
    await env.close();
  }

  // 2. The hot sharer: each variant on its own database, interleaved (two groups, to keep the
  //    number of connections well under max_connections); then the checks.
  for (const group of [pgVariants.slice(0, Math.ceil(pgVariants.length / 2)), pgVariants.slice(Math.ceil(pgVariants.length / 2))]) {
    if (group.length === 0) continue;
    const hot: Array<{ variant: Variant; arm: Arm; check: () => Promise<HotCheck>; close: () => Promise<void> }> = [];
    try {
      for (const variant of group) {
        const database = await freshPgDatabase();
        const db = openPgFor(variant, database.url, 8);
        keepConnections(db);
        const close = async () => {
          await db.close().catch(() => undefined);
          await database.drop();
        };
        try {
          const { arm, check } = hotArm(await seedHot(await benchApp(db)), variant.fn, variant.name);
          await arm.slice(ms(1_000), 0); // warm
          hot.push({ variant, arm, check, close });
        } catch (error) {
          await close();
          throw error;
        }
      }
      await waitForQuiet('experiments hot');
      log(`experiments: hot sharer, ${group.map((v) => v.name).join(', ')}, interleaved…`);
      const results = await interleave(hot.map((h) => h.arm), { rounds: 4, sliceMs: ms(2_500) });
      for (const h of hot) {
        const r = results.get(h.variant.name)!;
        const check = await h.check();
        figures[`exp_${h.variant.name}_hot_tps`] = round(r.rate);
        figures[`exp_${h.variant.name}_hot_p99_ms`] = round(r.latency.p99);
        figures[`exp_${h.variant.name}_hot_foreign_cores`] = round(r.foreignCores);
        figures[`exp_${h.variant.name}_hot_largest_rule_violations`] = check.violations;
        figures[`exp_${h.variant.name}_hot_check_inconsistencies`] = check.inconsistencies;
        log(`experiment ${h.variant.name}: hot ${round(r.rate)}/s p99 ${round(r.latency.p99)} ms, check ${JSON.stringify(check)}`);
      }
    } finally {
      for (const h of hot) await h.close();
    }
  }

  // The check must catch wrong implementations: two deliberately wrong variants, 3 s each.
  for (const control of NEGATIVE_CONTROLS) {
    const database = await freshPgDatabase();
    const db = openPg(database.url, 16);
    try {
      const env = await seedHot(await benchApp(db));
      const { check } = await measureHot(env, control.make(), `neg-${control.name}`, ms(3_000));
      figures[`exp_negative_${control.name}_hot_violations`] = check.violations;
      log(`negative control ${control.name}: ${JSON.stringify(check)} (must show violations)`);
    } finally {
      await db.close().catch(() => undefined);
      await database.drop();
    }
  }

  // 3. PGlite, in memory, interleaved. Whether statements are prepared is fixed when a PGlite
  //    database is opened, so the unprepared arms run on a copy of the same seeded population
  //    (dumpDataDir → loadDataDir), the others all on the original.
  const pgliteVariants = variants.filter((v) => v.pglite);
  if (pgliteVariants.length > 0) {
    const db = await openPglite();
    try {
      const app = await benchApp(db);
      const { relatives } = await seedFamilies(app, { sharers: 10_000, relatives: 10_000, perRelative: 2 });
      const { caller } = await insertInstitution(app);
      await db.exec('ANALYZE');
      const arms: Arm[] = pgliteVariants.map((v) => {
        let slices = 0;
        const target = app;
        return {
          name: v.name,
          slice: (durationMs) => settleLoad(target, caller, relatives, v.fn, { workers: 16, warmupMs: 300, durationMs, tag: `pglite-${v.name}-${slices++}` }),
        };
      });
      for (const arm of arms) await arm.slice(ms(1_000), 0); // warm
      await waitForQuiet('experiments pglite');
      log('experiments on PGlite, interleaved…');
      const results = await interleave(arms, { rounds: 4, sliceMs: ms(2_500) });
      for (const v of pgliteVariants) {
        const r = results.get(v.name)!;
        figures[`exp_${v.name}_pglite_tps`] = round(r.rate);
        figures[`exp_${v.name}_pglite_p99_ms`] = round(r.latency.p99);
        log(`experiment ${v.name} on PGlite: ${round(r.rate)}/s p99 ${round(r.latency.p99)} ms (${r.errors} errors)`);
      }
      figures.exp_pglite_ledger_mismatches = 0;
      figures.exp_pglite_ledger_mismatches += (await ledgerMismatches(app)) + (await settlementLedgerMismatches(app));
    } finally {
      await db.close();
    }
  }

  const file = path.join(__dirname, '..', options.write ? 'results' : '.tmp', 'experiments-statements.txt');
  await mkdir(path.dirname(file), { recursive: true }); // bench/.tmp is not in the repository
  await writeFile(file, `${lines.join('\n')}\n`);
  return { figures };
}
