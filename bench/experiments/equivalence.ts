/**
 * The same scripted settlements through the use case and through an experiment, each on its own
 * fresh database with the same people: the answers (settlement ids aside), the balances and the
 * ledger must be the same. Covers: the largest balance, a tie (earliest binding), a refusal for
 * an insufficient balance, own account first, a replay, a conflicting replay, no candidate, a
 * sharer outside the sharing scope, a relationship outside a `close` scope, allowPartial, an
 * unknown patient, an invalid ID number. `openDb` is told which side it opens for, so that the
 * use case can run on the default adapter and the experiment on its own (unprepared) one.
 */
import type { App } from '../../server/app';
import { AppError } from '../../server/errors';
import { setPolicy } from '../../server/usecases/admin';
import { benchApp, binding, insertBindings, insertInstitution, insertPeople, makePeople } from '../lib/seed';
import { ledgerMismatches, settlementLedgerMismatches, type SettleFn } from '../lib/settle-workload';
import type { Db } from '../../server/db/port';

type Outcome = Record<string, unknown>;

function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key === 'lockedBalances') continue;
      out[key] = key === 'settlementId' ? 'S' : normalize((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

async function script(app: App, settle: SettleFn): Promise<Outcome[]> {
  const at = new Date(Date.now() - 86_400_000);
  const sharers = makePeople(6, { baseDate: '1960-01-01', insuranceType: 'employee', tag: '等价', balanceFen: (i) => [5_000, 8_000, 9_000, 4_000, 7_000, 3_000][i]! });
  const outside = makePeople(1, { baseDate: '1961-01-01', insuranceType: 'employee', tag: '外省', region: '110100', balanceFen: () => 50_000 });
  const relatives = makePeople(5, { baseDate: '1995-01-01', insuranceType: 'resident', tag: '等价亲属' });
  const employeePatient = makePeople(1, { baseDate: '1985-01-01', insuranceType: 'employee', tag: '自付', balanceFen: () => 1_000 });
  await insertPeople(app, [...sharers, ...outside, ...relatives, ...employeePatient]);
  const t = (k: number) => new Date(at.getTime() + k * 1000);
  await insertBindings(app, [
    binding(sharers[0]!, relatives[0]!, t(1)),
    binding(sharers[1]!, relatives[0]!, t(2)),
    binding(sharers[2]!, employeePatient[0]!, t(3), 'spouse'),
    binding(outside[0]!, relatives[2]!, t(4)), // other province: not eligible by default
    binding(sharers[3]!, relatives[3]!, t(5), 'sibling'), // not eligible once the scope is `close`
    binding(sharers[5]!, relatives[4]!, t(6)), // allowPartial
  ]);
  const { caller } = await insertInstitution(app, 'EQ0001');
  const out: Outcome[] = [];
  const run = async (serialNo: string, patientIdNumber: string, amountFen: number) => {
    try {
      out.push({ serialNo, answer: normalize(await settle(app, caller, { serialNo, patientIdNumber, kind: 'outpatient', amountFen })) });
    } catch (error) {
      out.push({ serialNo, error: error instanceof AppError ? `${error.code}:${error.field ?? ''}` : String(error) });
    }
  };
  const r0 = relatives[0]!.idNumber;
  await run('E1', r0, 3_000); // 8,000 pays → 5,000 / 5,000
  await run('E2', r0, 2_000); // tie: the earliest binding (5,000 of sharer 0) pays
  await run('E3', r0, 20_000); // nobody covers it: refused, nothing moves
  await run('E4', employeePatient[0]!.idNumber, 3_000); // own 1,000, then 2,000 from the spouse
  await run('E5', employeePatient[0]!.idNumber, 500); // own account empty now
  await run('E1', r0, 3_000); // replay: the first answer
  await run('E1', r0, 3_001); // same serial, other body: conflict
  await run('E6', relatives[1]!.idNumber, 1_000); // no binding at all
  await run('E7', relatives[2]!.idNumber, 1_000); // sharer in another province
  await setPolicy(app, { scope: '13', relativeScope: 'close' });
  await run('E8', relatives[3]!.idNumber, 1_000); // sibling outside `close`
  await setPolicy(app, { scope: '130100', allowPartial: true });
  await run('E9', relatives[4]!.idNumber, 5_000); // 3,000 partial
  await setPolicy(app, { scope: '11', sharingScope: 'national' });
  await run('E10', relatives[2]!.idNumber, 1_000); // now allowed: paid from the other province
  await run('E11', '11010519491231002X', 1_000); // not in the registry
  await run('E12', '110105194912310021', 1_000); // wrong check character
  const balances = await app.db.query<{ name: string; balance_fen: bigint }>(
    'SELECT p.name, a.balance_fen FROM accounts a JOIN persons p ON p.person_id = a.person_id ORDER BY p.name',
  );
  out.push({ balances: normalize(balances) });
  const ledger = await app.db.query<{ n: bigint }>("SELECT count(*) AS n FROM ledger_entries WHERE kind <> 'opening'");
  out.push({ ledgerEntries: Number(ledger[0]?.n ?? 0), mismatches: (await ledgerMismatches(app)) + (await settlementLedgerMismatches(app)) });
  return out;
}

/** Differences between the use case and `candidate` on the script (0 = the same answers and money). */
export async function equivalence(
  openDb: (side: 'reference' | 'candidate') => Promise<{ db: Db; close: () => Promise<void> }>,
  reference: SettleFn,
  candidate: SettleFn,
): Promise<{ differences: number; detail: string[] }> {
  const results: Outcome[][] = [];
  for (const [side, fn] of [['reference', reference], ['candidate', candidate]] as const) {
    const { db, close } = await openDb(side);
    try {
      results.push(await script(await benchApp(db), fn));
    } finally {
      await close();
    }
  }
  const [a, b] = results as [Outcome[], Outcome[]];
  const detail: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = JSON.stringify(a[i]);
    const y = JSON.stringify(b[i]);
    if (x !== y) detail.push(`#${i}: use case ${x} ≠ experiment ${y}`);
  }
  return { differences: detail.length, detail };
}
