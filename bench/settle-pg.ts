/**
 * 1. Settlement on PostgreSQL: 16 concurrent callers of the settlement use case itself (no
 * HTTP), relatives spread over 10,000 sharers, each relative with two candidate sharers.
 */
import type { App } from '../server/app';
import { openPg } from '../server/db/pg';
import type { InstitutionCaller } from '../server/runtime/caller';
import { settle } from '../server/usecases/settle';
import { log, ms } from './lib/options';
import { freshPgDatabase, keepConnections } from './lib/pg';
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
import { withCpu } from './lib/cpu';
import { interleave, type Arm } from './lib/interleave';
import { openRawUpdate } from './raw-update';

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

/** One slice of settlement load with `fn`, 16 callers (for bench/lib/interleave.ts). */
export function settleArm(env: SettleEnv, fn: SettleFn, name: string): Arm {
  let slices = 0;
  return {
    name,
    slice: (durationMs) => settleLoad(env.app, env.institution, env.relatives, fn, { workers: CONCURRENCY, warmupMs: 300, durationMs, tag: `${name}-${slices++}` }),
  };
}

/**
 * The same settlement with the notice triggers of migration 0003 switched off for the slice:
 * what the outbox write in the settlement's transaction costs (issue 8 allows 10%).
 */
export function settleWithoutNoticesArm(env: SettleEnv): Arm {
  const arm = settleArm(env, settle, 'settle_without_notices');
  return {
    name: arm.name,
    slice: async (durationMs, index) => {
      await env.app.db.exec('ALTER TABLE settlements DISABLE TRIGGER settlements_notify');
      try {
        return await arm.slice(durationMs, index);
      } finally {
        await env.app.db.exec('ALTER TABLE settlements ENABLE TRIGGER settlements_notify');
      }
    },
  };
}

/** Round trips of `fn` on the wire, and afterwards the ledger checks. */
export async function settleChecks(env: SettleEnv) {
  return { ledgerMismatches: await ledgerMismatches(env.app), settlementMismatches: await settlementLedgerMismatches(env.app) };
}

/**
 * CPU per settlement of `fn` (this process and the bench's PostgreSQL processes), over a short
 * separate window: the figure says where the time goes, whatever else the machine does.
 */
export async function settleCpu(env: SettleEnv, fn: SettleFn, name: string) {
  const measured = await withCpu(() =>
    settleLoad(env.app, env.institution, env.relatives, fn, { workers: CONCURRENCY, warmupMs: 0, durationMs: ms(3_000), tag: `${name}-cpu` }),
  );
  const ops = measured.result.ops + measured.result.errors;
  return { nodeMsPerOp: measured.nodeMs / ops, postgresMsPerOp: measured.postgresMs / ops, cores: (measured.nodeMs + measured.postgresMs) / measured.wallMs };
}

export async function benchSettlePg(env: SettleEnv): Promise<{ figures: Record<string, number>; statementLog: string[] }> {
  const roundTrips = await countRoundTrips(env.app, env.institution, settle, env.relatives, env.selfPayers);
  const raw = await openRawUpdate(env.url);
  keepConnections(env.app.db);
  try {
    await waitForQuiet('settle');
    log('settle on PostgreSQL (16 callers of settle(app, institution, input)), interleaved with the raw UPDATE…');
    // Warm both paths (connections, caches) before the measured rounds.
    await settleArm(env, settle, 'warm').slice(ms(2_000), 0);
    await raw.auto.slice(ms(1_000), 0);
    const results = await interleave([settleArm(env, settle, 'settle'), settleWithoutNoticesArm(env), raw.auto, raw.tx], {
      rounds: 5,
      sliceMs: ms(3_000),
    });
    const s = results.get('settle')!;
    const quiet = results.get('settle_without_notices')!;
    const r = results.get('raw_update')!;
    const t = results.get('raw_update_tx')!;
    if (s.errors > 0) log(`settle: ${s.errors} settlements failed, first: ${s.firstError}`);
    const cpu = await settleCpu(env, settle, 'settle');
    const checks = await settleChecks(env);
    return {
      figures: {
        settle_pg_tps: round(s.rate),
        settle_pg_p50_ms: round(s.latency.p50),
        settle_pg_p99_ms: round(s.latency.p99),
        settle_pg_max_ms: round(s.latency.max),
        settle_pg_errors: s.errors,
        settle_pg_foreign_cores: round(s.foreignCores),
        settle_round_trips: roundTrips.mulaidOnly,
        settle_round_trips_self_pay: roundTrips.selfThenMulaid,
        settle_round_trips_replay: roundTrips.replay,
        settle_pg_ledger_mismatches: checks.ledgerMismatches + checks.settlementMismatches,
        settle_pg_node_cpu_ms_per_op: round(cpu.nodeMsPerOp),
        settle_pg_postgres_cpu_ms_per_op: round(cpu.postgresMsPerOp),
        settle_pg_cores_busy: round(cpu.cores),
        raw_update_pg_tps: round(r.rate),
        raw_update_pg_p50_ms: round(r.latency.p50),
        raw_update_pg_p99_ms: round(r.latency.p99),
        raw_update_pg_foreign_cores: round(r.foreignCores),
        raw_update_tx_pg_tps: round(t.rate),
        raw_update_tx_pg_p99_ms: round(t.latency.p99),
        settle_pg_to_raw_ratio: Math.round((s.rate / r.rate) * 1000) / 1000,
        settle_pg_without_notices_tps: round(quiet.rate),
        settle_pg_without_notices_p99_ms: round(quiet.latency.p99),
        settle_pg_with_notices_ratio: Math.round((s.rate / quiet.rate) * 1000) / 1000,
      },
      statementLog: roundTrips.log,
    };
  } finally {
    await raw.close();
  }
}
