/**
 * The settlement workload shared by the PostgreSQL, PGlite and experimental variants: the same
 * population, the same requests, the same checks afterwards.
 */
import { randomUUID } from 'node:crypto';
import type { App } from '../../server/app';
import type { InstitutionCaller } from '../../server/runtime/caller';
import type { SettlementKind } from '../../server/usecases/settle';
import { binding, insertBindings, insertPeople, makePeople, type SeedPerson } from './seed';
import { closedLoop, type LoadResult } from './stats';
import { recordStatements, shortStatement } from './roundtrips';

export interface SettleInput {
  serialNo: string;
  patientIdNumber: string;
  kind: SettlementKind;
  amountFen: number;
}

/** What the benchmarks need back from any settlement implementation. */
export interface SettleOutcome {
  settlementId: string;
  acctMulaidPay: bigint | number;
  mulaidFailure: null | string;
  /** Balances of the locked accounts as the implementation saw them (experiments return them). */
  lockedBalances?: Record<string, bigint>;
}

export type SettleFn = (app: App, institution: InstitutionCaller, input: SettleInput) => Promise<SettleOutcome>;

const KINDS: SettlementKind[] = ['outpatient', 'pharmacy', 'inpatient'];

/** Deterministic per worker and iteration, so runs are comparable. */
function amountFor(worker: number, i: number): number {
  return 100 + (((worker + 1) * 7_919 + i * 104_729) % 19_900);
}

/**
 * `workers` concurrent callers settle bills of random relatives (spread over all the sharers),
 * each with a fresh serial number.
 */
export async function settleLoad(
  app: App,
  institution: InstitutionCaller,
  patients: readonly SeedPerson[],
  settle: SettleFn,
  options: { workers: number; warmupMs: number; durationMs: number; tag: string; maxOps?: number },
): Promise<LoadResult & { mulaidPaid: number; failures: number }> {
  let mulaidPaid = 0;
  let failures = 0;
  let pick = 0x9e3779b9;
  const result = await closedLoop({
    workers: options.workers,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    maxOps: options.maxOps,
    op: async (w, i) => {
      pick = (Math.imul(pick, 1_664_525) + 1_013_904_223) >>> 0;
      const patient = patients[pick % patients.length]!;
      const answer = await settle(app, institution, {
        serialNo: `${options.tag}-${w}-${i}`,
        patientIdNumber: patient.idNumber,
        kind: KINDS[i % KINDS.length]!,
        amountFen: amountFor(w, i),
      });
      if (Number(answer.acctMulaidPay) > 0) mulaidPaid += 1;
      else failures += 1;
    },
  });
  return { ...result, mulaidPaid, failures };
}

/** SPEC 2.2 invariant: balance = sum of ledger deltas and never negative, for every account. */
export async function ledgerMismatches(app: App): Promise<number> {
  const rows = await app.db.query<{ n: bigint }>(
    `SELECT count(*) AS n FROM (
       SELECT a.person_id FROM accounts a LEFT JOIN ledger_entries l ON l.person_id = a.person_id
       GROUP BY a.person_id, a.balance_fen
       HAVING a.balance_fen <> COALESCE(sum(l.delta_fen), 0) OR a.balance_fen < 0) bad`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Every settlement's money matches its ledger entries (mutual aid and own account). One pass each. */
export async function settlementLedgerMismatches(app: App): Promise<number> {
  const rows = await app.db.query<{ n: bigint }>(
    `WITH e AS (
       SELECT l.settlement_id,
              COALESCE(sum(-l.delta_fen) FILTER (WHERE l.kind = 'mulaid_pay'), 0) AS mulaid,
              COALESCE(sum(-l.delta_fen) FILTER (WHERE l.kind = 'self_pay'), 0) AS self,
              array_agg(l.person_id) FILTER (WHERE l.kind = 'mulaid_pay') AS payers,
              array_agg(l.entry_id) FILTER (WHERE l.kind = 'mulaid_pay') AS entries
       FROM ledger_entries l WHERE l.settlement_id IS NOT NULL AND l.kind IN ('mulaid_pay', 'self_pay')
       GROUP BY l.settlement_id)
     SELECT count(*) AS n FROM settlements s LEFT JOIN e ON e.settlement_id = s.settlement_id
     WHERE COALESCE(e.mulaid, 0) <> s.mulaid_pay_fen OR COALESCE(e.self, 0) <> s.self_pay_fen
        OR (s.mulaid_pay_fen > 0 AND (e.payers <> ARRAY[s.sharer_id] OR e.entries <> ARRAY[s.mulaid_entry_id]))`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Employees who are also patients: their own account pays first, then mutual aid. */
export async function seedSelfPayPatients(app: App, sharers: readonly SeedPerson[], count: number): Promise<SeedPerson[]> {
  const patients = makePeople(count, { baseDate: '1985-01-01', insuranceType: 'employee', tag: '自付', balanceFen: () => 1_000 });
  await insertPeople(app, patients);
  const base = Date.now() - 3_600_000;
  await insertBindings(
    app,
    patients.flatMap((p, i) => [
      binding(sharers[i % sharers.length]!, p, new Date(base + i), 'spouse'),
      binding(sharers[(i + 1) % sharers.length]!, p, new Date(base + i + 1), 'spouse'),
    ]),
  );
  return patients;
}

/**
 * Round trips per settlement, counted on the wire (every pg client query): the mutual-aid-only
 * path (a resident patient), the own-account-then-mutual-aid path, and a replayed serial.
 */
export async function countRoundTrips(
  app: App,
  institution: InstitutionCaller,
  settle: SettleFn,
  relatives: readonly SeedPerson[],
  selfPayers: readonly SeedPerson[],
): Promise<{ mulaidOnly: number; selfThenMulaid: number; replay: number; log: string[] }> {
  const tag = randomUUID().slice(0, 8);
  const samples = 20;
  const count = async (patient: SeedPerson, serialNo: string, amountFen: number) => {
    const { statements } = await recordStatements(() =>
      settle(app, institution, { serialNo, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen }),
    );
    return statements;
  };
  const per: number[] = [];
  let logMulaid: string[] = [];
  for (let i = 0; i < samples; i += 1) {
    const statements = await count(relatives[i]!, `rt-${tag}-m${i}`, 1_234);
    per.push(statements.length);
    if (i === 0) logMulaid = statements;
  }
  const perSelf: number[] = [];
  let logSelf: string[] = [];
  for (let i = 0; i < Math.min(samples, selfPayers.length); i += 1) {
    const statements = await count(selfPayers[i]!, `rt-${tag}-s${i}`, 3_000);
    perSelf.push(statements.length);
    if (i === 0) logSelf = statements;
  }
  const logReplay = await count(relatives[0]!, `rt-${tag}-m0`, 1_234);
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const log = [
    `mutual aid only (resident patient, 2 candidate sharers): ${logMulaid.length} round trips`,
    ...logMulaid.map((s, i) => `  ${i + 1}. ${shortStatement(s)}`),
    `own account first, then mutual aid (employee patient): ${logSelf.length} round trips`,
    ...logSelf.map((s, i) => `  ${i + 1}. ${shortStatement(s)}`),
    `replay of a serial already settled: ${logReplay.length} round trips`,
    ...logReplay.map((s, i) => `  ${i + 1}. ${shortStatement(s)}`),
  ];
  return { mulaidOnly: median(per), selfThenMulaid: median(perSelf), replay: logReplay.length, log };
}
