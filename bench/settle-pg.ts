/**
 * 1. Settlement on PostgreSQL: 16 concurrent callers of the settlement use case itself (no
 * HTTP), relatives spread over 10,000 sharers, each relative with two candidate sharers.
 */
import type { App } from '../server/app';
import { openPg } from '../server/db/pg';
import type { InstitutionCaller } from '../server/runtime/caller';
import { settle } from '../server/usecases/settle';
import { log, ms } from './lib/options';
import { freshPgDatabase } from './lib/pg';
import { benchApp, insertInstitution, seedFamilies, type SeedPerson } from './lib/seed';
import {
  countRoundTrips,
  ledgerMismatches,
  seedSelfPayPatients,
  settleLoad,
  settlementLedgerMismatches,
  type SettleFn,
} from './lib/settle-workload';
import { round } from './lib/stats';
import { waitForQuiet } from './lib/quiet';

export const SHARERS = 10_000;
export const CONCURRENCY = 16;

export interface SettleEnv {
  app: App;
  url: string;
  institution: InstitutionCaller;
  sharers: SeedPerson[];
  relatives: SeedPerson[];
  selfPayers: SeedPerson[];
  close: () => Promise<void>;
}

/** A fresh database with 10,000 sharers, 10,000 relatives (two sharers each) and 50 self-payers. */
export async function openSettleEnv(): Promise<SettleEnv> {
  const database = await freshPgDatabase();
  try {
    const db = openPg(database.url, CONCURRENCY);
    const app = await benchApp(db);
    const started = Date.now();
    const { sharers, relatives } = await seedFamilies(app, { sharers: SHARERS, relatives: SHARERS, perRelative: 2 });
    const selfPayers = await seedSelfPayPatients(app, sharers, 50);
    const { caller } = await insertInstitution(app);
    await db.exec('ANALYZE');
    log(`settle population seeded in ${Date.now() - started} ms (database ${database.name})`);
    return {
      app,
      url: database.url,
      institution: caller,
      sharers,
      relatives,
      selfPayers,
      close: async () => {
        await db.close().catch(() => undefined);
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
}

/** Measures one settlement implementation on the environment; returns figures and checks. */
export async function measureSettle(env: SettleEnv, fn: SettleFn, tag: string) {
  const rt = await countRoundTrips(env.app, env.institution, fn, env.relatives, env.selfPayers);
  const busyBefore = await waitForQuiet(tag);
  const load = await settleLoad(env.app, env.institution, env.relatives, fn, {
    workers: CONCURRENCY,
    warmupMs: ms(3_000),
    durationMs: ms(15_000),
    tag,
  });
  if (load.errors > 0) log(`${tag}: ${load.errors} settlements failed, first: ${load.firstError}`);
  return {
    load,
    busyBefore,
    roundTrips: rt,
    ledgerMismatches: await ledgerMismatches(env.app),
    settlementMismatches: await settlementLedgerMismatches(env.app),
  };
}

export async function benchSettlePg(env: SettleEnv): Promise<{ figures: Record<string, number>; statementLog: string[] }> {
  log('settle on PostgreSQL: 16 callers of settle(app, institution, input)…');
  const m = await measureSettle(env, settle, 'pg');
  const { load } = m;
  return {
    figures: {
      settle_pg_tps: round(load.rate),
      settle_pg_p50_ms: round(load.latency.p50),
      settle_pg_p99_ms: round(load.latency.p99),
      settle_pg_max_ms: round(load.latency.max),
      settle_pg_errors: load.errors,
      settle_round_trips: m.roundTrips.mulaidOnly,
      settle_round_trips_self_pay: m.roundTrips.selfThenMulaid,
      settle_round_trips_replay: m.roundTrips.replay,
      settle_pg_ledger_mismatches: m.ledgerMismatches + m.settlementMismatches,
      settle_pg_background_cpu: round(m.busyBefore),
    },
    statementLog: m.roundTrips.log,
  };
}
