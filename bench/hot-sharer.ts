/**
 * 2. A hot sharer: 8 relatives of the same sharers settle at once, continuously. Every relative
 * has the same three candidate sharers with different balances, so every settlement locks the
 * same three accounts and must pick the one with the largest balance at its moment.
 *
 * The check, from the database afterwards, for any implementation: the bench database gives
 * `settlements` one more column, `bench_order bigint DEFAULT nextval(…)`. A settlement row is
 * inserted while its transaction holds the locks on the three accounts, so on these accounts
 * bench_order is the commit order. Replaying the settlements in that order from the opening
 * balances:
 *  - the payer must be the sharer with the largest balance at that point (ties: the earliest
 *    binding), and a refusal must mean that not even the largest balance covered the bill
 *    (violations);
 *  - each ledger entry's balance_after_fen must be the replayed balance minus the payment, and
 *    the replay must end at the balances in the database (inconsistencies: the order or the
 *    balances a settlement saw were not the real ones).
 * Two deliberately wrong variants (bench/experiments/negative.ts) show that the check catches
 * a wrong choice and a lock that misses rows.
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../server/app';
import { openPg } from '../server/db/pg';
import type { InstitutionCaller } from '../server/runtime/caller';
import { settle } from '../server/usecases/settle';
import { log, ms } from './lib/options';
import { freshPgDatabase } from './lib/pg';
import { waitForQuiet } from './lib/quiet';
import { leastDisturbed } from './lib/interference';
import { benchApp, binding, insertBindings, insertInstitution, insertPeople, makePeople, type SeedPerson } from './lib/seed';
import type { SettleFn } from './lib/settle-workload';
import { closedLoop, round, type LoadResult } from './lib/stats';
import type { Arm } from './lib/interleave';

export const HOT_RELATIVES = 8;
const OPENING = [300_000_000, 280_000_000, 260_000_000];

export interface HotEnv {
  app: App;
  institution: InstitutionCaller;
  sharers: SeedPerson[];
  relatives: SeedPerson[];
}

/** Three sharers (opening balances differ), eight relatives bound to all three, A before B before C. */
export async function seedHot(app: App, tag = 'hot'): Promise<HotEnv> {
  const sharers = makePeople(3, {
    baseDate: '1950-01-01',
    insuranceType: 'employee',
    tag: `${tag}共济`,
    balanceFen: (i) => OPENING[i]!,
  });
  const relatives = makePeople(HOT_RELATIVES, { baseDate: '2005-01-01', insuranceType: 'resident', tag: `${tag}亲属` });
  await insertPeople(app, [...sharers, ...relatives]);
  const base = Date.now() - 86_400_000;
  await insertBindings(
    app,
    relatives.flatMap((relative) => sharers.map((sharer, k) => binding(sharer, relative, new Date(base + k * 60_000)))),
  );
  const { caller } = await insertInstitution(app, `HOT${randomUUID().slice(0, 6)}`);
  // Bench-only instrumentation (see the top of this file): the commit order of settlements.
  await app.db.exec(`CREATE SEQUENCE IF NOT EXISTS bench_order;
    ALTER TABLE settlements ADD COLUMN IF NOT EXISTS bench_order bigint DEFAULT nextval('bench_order')`);
  return { app, institution: caller, sharers, relatives };
}

export interface HotCheck {
  settlements: number;
  paid: number;
  refused: number;
  violations: number;
  inconsistencies: number;
}

/** The check described at the top of this file. */
export async function checkLargestRule(env: HotEnv): Promise<HotCheck> {
  const sharerIds = env.sharers.map((s) => s.personId);
  const rows = await env.app.db.query<{
    settlement_id: string;
    sharer_id: string | null;
    amount_fen: bigint;
    self_pay_fen: bigint;
    mulaid_pay_fen: bigint;
    entry_person: string | null;
    entry_after: bigint | null;
  }>(
    `SELECT s.settlement_id, s.sharer_id, s.amount_fen, s.self_pay_fen, s.mulaid_pay_fen,
            l.person_id AS entry_person, l.balance_after_fen AS entry_after
     FROM settlements s LEFT JOIN ledger_entries l ON l.entry_id = s.mulaid_entry_id
     WHERE s.patient_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)
     ORDER BY s.bench_order`,
    [JSON.stringify(env.relatives.map((r) => r.personId))],
  );
  const finals = await env.app.db.query<{ person_id: string; balance_fen: bigint }>(
    `SELECT person_id, balance_fen FROM accounts WHERE person_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
    [JSON.stringify(sharerIds)],
  );
  let inconsistencies = 0;
  let violations = 0;
  const state: Record<string, bigint> = Object.fromEntries(sharerIds.map((id, i) => [id, BigInt(OPENING[i]!)]));
  for (const row of rows) {
    // Largest balance; ties go to the earliest binding (A, then B, then C for every relative).
    let best = sharerIds[0]!;
    for (const id of sharerIds) if (state[id]! > state[best]!) best = id;
    const pay = BigInt(row.mulaid_pay_fen);
    if (pay > 0n) {
      const payer = row.sharer_id!;
      if (payer !== best) violations += 1;
      if (row.entry_person !== payer || row.entry_after === null || BigInt(row.entry_after) !== state[payer]! - pay) inconsistencies += 1;
      state[payer] = state[payer]! - pay;
    } else if (state[best]! >= BigInt(row.amount_fen) - BigInt(row.self_pay_fen)) {
      // Refused (or NO_SHARER) although the largest balance covered it.
      violations += 1;
    }
  }
  for (const f of finals) if (state[f.person_id] !== BigInt(f.balance_fen)) inconsistencies += 1;
  const paid = rows.filter((r) => BigInt(r.mulaid_pay_fen) > 0n).length;
  return { settlements: rows.length, paid, refused: rows.length - paid, violations, inconsistencies };
}

/**
 * The hot workload with `fn` as slices (8 relatives settling continuously) and, afterwards, the
 * check over every settlement of every slice.
 */
export function hotArm(env: HotEnv, fn: SettleFn, name: string): { arm: Arm; check: () => Promise<HotCheck> } {
  let slices = 0;
  return {
    arm: {
      name,
      slice: (durationMs) => {
        const slice = slices++;
        return closedLoop({
          workers: HOT_RELATIVES,
          warmupMs: 300,
          durationMs,
          op: async (w, i) => {
            await fn(env.app, env.institution, {
              serialNo: `${name}-${slice}-${w}-${i}`,
              patientIdNumber: env.relatives[w]!.idNumber,
              kind: 'outpatient',
              amountFen: 100 + ((w * 7_919 + i * 104_729) % 19_900),
            });
          },
        });
      },
    },
    check: () => checkLargestRule(env),
  };
}

/** Runs the hot workload with `fn` for ~10 s (again if others disturbed it) and checks the rule. */
export async function measureHot(env: HotEnv, fn: SettleFn, tag: string, durationMs = ms(10_000)): Promise<{ load: LoadResult; check: HotCheck; foreignCores: number }> {
  const { arm, check } = hotArm(env, fn, tag);
  await waitForQuiet(tag);
  const disturbed = await leastDisturbed(tag, () => arm.slice(durationMs, 0));
  const load = disturbed.result;
  if (load.errors > 0) log(`${tag}: ${load.errors} settlements failed, first: ${load.firstError}`);
  return { load, check: await check(), foreignCores: disturbed.foreignCores };
}

export async function benchHotSharer(): Promise<Record<string, number>> {
  const database = await freshPgDatabase();
  const db = openPg(database.url, 16);
  try {
    const app = await benchApp(db);
    const env = await seedHot(app);
    log('hot sharer: 8 relatives of the same three sharers, ~10 s…');
    const { load, check, foreignCores } = await measureHot(env, settle, 'hot');
    log(`hot check: ${JSON.stringify(check)}`);
    return {
      settle_pg_hot_tps: round(load.rate),
      settle_pg_hot_p50_ms: round(load.latency.p50),
      settle_pg_hot_p99_ms: round(load.latency.p99),
      settle_pg_hot_errors: load.errors,
      settle_pg_hot_settlements_checked: check.settlements,
      settle_pg_hot_largest_rule_violations: check.violations,
      settle_pg_hot_check_inconsistencies: check.inconsistencies,
      settle_pg_hot_foreign_cores: round(foreignCores),
    };
  } finally {
    await db.close().catch(() => undefined);
    await database.drop();
  }
}
