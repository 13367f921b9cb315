/**
 * 2. A hot sharer: 8 relatives of the same sharers settle at once, continuously. Every relative
 * has the same three candidate sharers with different balances, so every settlement locks the
 * same three accounts and must pick the one with the largest balance at its moment.
 *
 * The check: each settlement's balances as of its lock are captured (by wrapping the Db the use
 * case runs on; experiments return them), then
 *  - ordered by their total (strictly decreasing, every settlement debits), the captured
 *    states must form one chain: state(n+1) = state(n) − debit(n), from the opening balances
 *    to the final balances in the database, and each debit must match its ledger entry
 *    (balance_after_fen + amount = the captured balance of the payer). This proves that the
 *    captured balances were the real balances at the moment of each choice;
 *  - in each state, the payer must be the sharer with the largest balance (ties: the
 *    earliest binding), and a refusal must mean that even the largest could not cover.
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../server/app';
import { openPg } from '../server/db/pg';
import type { Db, Queryable, SqlParam } from '../server/db/port';
import type { InstitutionCaller } from '../server/runtime/caller';
import { settle } from '../server/usecases/settle';
import { log, ms } from './lib/options';
import { freshPgDatabase } from './lib/pg';
import { waitForQuiet } from './lib/quiet';
import { benchApp, binding, insertBindings, insertInstitution, insertPeople, makePeople, type SeedPerson } from './lib/seed';
import type { SettleFn } from './lib/settle-workload';
import { closedLoop, round, type LoadResult } from './lib/stats';

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
  return { app, institution: caller, sharers, relatives };
}

/** Wraps a Db so that every transaction reports the balances its `… FOR UPDATE` on accounts returned. */
function capturingDb(db: Db, onCommitAttempt: (settlementId: string, balances: Record<string, bigint>) => void): Db {
  return {
    ...db,
    transaction: (fn) =>
      db.transaction(async (tx) => {
        let balances: Record<string, bigint> | undefined;
        let settlementId: string | undefined;
        const wrapped: Queryable = {
          async query<R>(sql: string, params?: readonly SqlParam[]) {
            const rows = await tx.query<R>(sql, params);
            if (/FROM accounts WHERE person_id IN/.test(sql) && /FOR UPDATE/.test(sql)) {
              balances = Object.fromEntries(
                (rows as Array<{ person_id: string; balance_fen: bigint }>).map((r) => [r.person_id, BigInt(r.balance_fen)]),
              );
            }
            if (/^\s*INSERT INTO settlements/.test(sql)) settlementId = String(params?.[0]);
            return rows;
          },
        };
        const result = await fn(wrapped);
        if (settlementId && balances) onCommitAttempt(settlementId, balances);
        return result;
      }),
  };
}

export interface HotCheck {
  settlements: number;
  paid: number;
  refused: number;
  violations: number;
  inconsistencies: number;
}

/** The check described at the top of this file. */
export async function checkLargestRule(env: HotEnv, observed: ReadonlyMap<string, Record<string, bigint>>): Promise<HotCheck> {
  const sharerIds = env.sharers.map((s) => s.personId);
  const rows = await env.app.db.query<{
    settlement_id: string;
    sharer_id: string | null;
    amount_fen: bigint;
    self_pay_fen: bigint;
    mulaid_pay_fen: bigint;
    mulaid_failure: string | null;
    mulaid_entry_id: string | null;
  }>(
    `SELECT settlement_id, sharer_id, amount_fen, self_pay_fen, mulaid_pay_fen, mulaid_failure, mulaid_entry_id FROM settlements
     WHERE patient_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
    [JSON.stringify(env.relatives.map((r) => r.personId))],
  );
  const entries = await env.app.db.query<{ entry_id: string; person_id: string; delta_fen: bigint; balance_after_fen: bigint; kind: string }>(
    `SELECT entry_id, person_id, delta_fen, balance_after_fen, kind FROM ledger_entries
     WHERE person_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
    [JSON.stringify(sharerIds)],
  );
  const finals = await env.app.db.query<{ person_id: string; balance_fen: bigint }>(
    `SELECT person_id, balance_fen FROM accounts WHERE person_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid)`,
    [JSON.stringify(sharerIds)],
  );
  const entryById = new Map(entries.map((e) => [e.entry_id, e]));
  let inconsistencies = 0;
  let violations = 0;

  // Per account, the ledger alone: debits chain from the opening balance down.
  for (const id of sharerIds) {
    const chain = entries.filter((e) => e.person_id === id).sort((a, b) => (a.balance_after_fen > b.balance_after_fen ? -1 : 1));
    let previous: bigint | undefined;
    for (const e of chain) {
      if (e.kind === 'opening') {
        previous = e.balance_after_fen;
        continue;
      }
      if (previous === undefined || e.balance_after_fen - e.delta_fen !== previous) inconsistencies += 1;
      previous = e.balance_after_fen;
    }
  }

  const withState = rows.map((row) => ({ row, state: observed.get(row.settlement_id) }));
  inconsistencies += withState.filter((x) => !x.state).length;
  const total = (state: Record<string, bigint>) => sharerIds.reduce((sum, id) => sum + (state[id] ?? 0n), 0n);
  const ordered = withState
    .filter((x): x is { row: (typeof rows)[number]; state: Record<string, bigint> } => x.state !== undefined)
    .sort((a, b) => (total(a.state) > total(b.state) ? -1 : total(a.state) < total(b.state) ? 1 : 0));

  const state: Record<string, bigint> = Object.fromEntries(sharerIds.map((id, i) => [id, BigInt(OPENING[i]!)]));
  for (const { row, state: seen } of ordered) {
    if (sharerIds.some((id) => seen[id] !== state[id])) {
      inconsistencies += 1;
      Object.assign(state, Object.fromEntries(sharerIds.map((id) => [id, seen[id] ?? 0n])));
    }
    // Largest balance; ties go to the earliest binding (A, then B, then C for every relative).
    let best = sharerIds[0]!;
    for (const id of sharerIds) if (state[id]! > state[best]!) best = id;
    const remainder = BigInt(row.amount_fen) - BigInt(row.self_pay_fen);
    if (BigInt(row.mulaid_pay_fen) > 0n) {
      if (row.sharer_id !== best) violations += 1;
      const entry = row.mulaid_entry_id ? entryById.get(row.mulaid_entry_id) : undefined;
      if (!entry || entry.balance_after_fen - entry.delta_fen !== state[row.sharer_id!]) inconsistencies += 1;
      state[row.sharer_id!] = state[row.sharer_id!]! - BigInt(row.mulaid_pay_fen);
    } else if (row.mulaid_failure === 'INSUFFICIENT_BALANCE' && state[best]! >= remainder) {
      violations += 1;
    }
  }
  for (const f of finals) if (state[f.person_id] !== BigInt(f.balance_fen)) inconsistencies += 1;
  const paid = rows.filter((r) => BigInt(r.mulaid_pay_fen) > 0n).length;
  return { settlements: rows.length, paid, refused: rows.length - paid, violations, inconsistencies };
}

/** Runs the hot workload with `fn` for ~10 s and checks the rule. */
export async function measureHot(env: HotEnv, fn: SettleFn, tag: string): Promise<{ load: LoadResult; check: HotCheck }> {
  const observed = new Map<string, Record<string, bigint>>();
  const app: App = { ...env.app, db: capturingDb(env.app.db, (id, balances) => observed.set(id, balances)) };
  await waitForQuiet(tag);
  const load = await closedLoop({
    workers: HOT_RELATIVES,
    warmupMs: ms(1_000),
    durationMs: ms(10_000),
    op: async (w, i) => {
      const answer = await fn(app, env.institution, {
        serialNo: `${tag}-${w}-${i}`,
        patientIdNumber: env.relatives[w]!.idNumber,
        kind: 'outpatient',
        amountFen: 100 + ((w * 7_919 + i * 104_729) % 19_900),
      });
      if (answer.lockedBalances) observed.set(answer.settlementId, answer.lockedBalances);
    },
  });
  if (load.errors > 0) log(`${tag}: ${load.errors} settlements failed, first: ${load.firstError}`);
  const check = await checkLargestRule(env, observed);
  return { load, check };
}

export async function benchHotSharer(): Promise<Record<string, number>> {
  const database = await freshPgDatabase();
  const db = openPg(database.url, 16);
  try {
    const app = await benchApp(db);
    const env = await seedHot(app);
    log('hot sharer: 8 relatives of the same three sharers, ~10 s…');
    const { load, check } = await measureHot(env, settle, 'hot');
    log(`hot check: ${JSON.stringify(check)}`);
    return {
      settle_pg_hot_tps: round(load.rate),
      settle_pg_hot_p50_ms: round(load.latency.p50),
      settle_pg_hot_p99_ms: round(load.latency.p99),
      settle_pg_hot_errors: load.errors,
      settle_pg_hot_settlements_checked: check.settlements,
      settle_pg_hot_largest_rule_violations: check.violations,
      settle_pg_hot_check_inconsistencies: check.inconsistencies,
    };
  } finally {
    await db.close().catch(() => undefined);
    await database.drop();
  }
}
