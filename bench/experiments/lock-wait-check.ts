/**
 * A deterministic two-session check of the "cte" write (`npx tsx bench/experiments/lock-wait-check.ts`):
 * session A changes a candidate sharer's balance (a debit of 90, or a credit of 5 then a debit
 * of 90) and holds it uncommitted; session B runs the one-statement settlement of 50, which waits
 * for A's row lock; A commits. B must see the NEWEST balance under its lock (10 or 15) and refuse
 * (INSUFFICIENT_BALANCE) — not decide from the 100 its snapshot saw and fail CHECK. Written while
 * looking for the model test's seed 967315713 failure (docs/PERFORMANCE.md); it passes here.
 * The read and the candidate list are the product's (server/store/settlements.ts,
 * server/usecases/settle.ts); only the write is the experiment's.
 */
import { shanghaiToday } from '../../src/rules/age';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { READ_SETTLEMENT_SQL, type SettlementRead } from '../../server/store/settlements';
import { commitCandidates, patientDigest, requestHash } from '../../server/usecases/settle';
import { openSettleEnv } from '../settle-pg';
import { WRITE_SQL } from './settle-cte';

async function main(): Promise<void> {
  const env = await openSettleEnv();
  const a = new pg.Client({ connectionString: env.url });
  const b = new pg.Client({ connectionString: env.url });
  await a.connect();
  await b.connect();
  let failures = 0;
  try {
    for (const [k, mode] of (['debit', 'credit-then-debit'] as const).entries()) {
      const relative = env.relatives[11 + k]!;
      const digest = patientDigest(env.app, relative.idNumber);
      const read = (await b.query<SettlementRead>(READ_SETTLEMENT_SQL, [digest, env.institution.code, 'none'])).rows[0]!;
      const candidates = commitCandidates(read, shanghaiToday(env.app.clock.now()));
      const [first, second] = candidates;
      await b.query('UPDATE accounts SET balance_fen = 100 WHERE person_id = $1', [first!.sharer_id]);
      await b.query('UPDATE accounts SET balance_fen = 0 WHERE person_id = $1', [second!.sharer_id]);
      await a.query('BEGIN');
      if (mode === 'credit-then-debit') await a.query('UPDATE accounts SET balance_fen = balance_fen + 5 WHERE person_id = $1', [first!.sharer_id]);
      await a.query('UPDATE accounts SET balance_fen = balance_fen - 90 WHERE person_id = $1', [first!.sharer_id]);
      const toLock = [read.patient!.person_id, ...candidates.map((c) => c.sharer_id)];
      const pending = b
        .query(WRITE_SQL, [
          randomUUID(), env.institution.code, `lockwait-${mode}`, requestHash(read.patient!.person_id, 'outpatient', 50),
          read.patient!.person_id, 'outpatient', 50, new Date(), JSON.stringify(candidates), randomUUID(), randomUUID(), `{${toLock.join(',')}}`,
        ])
        .then((r) => ({ failure: String(r.rows[0]?.failure), seen: r.rows[0]?.locked_balances?.[first!.sharer_id] }), (e: { code?: string; message?: string }) => ({ failure: `error ${e.code} ${e.message}`, seen: undefined }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await a.query('COMMIT');
      const result = await pending;
      const expected = mode === 'debit' ? 10 : 15;
      const ok = result.failure === 'INSUFFICIENT_BALANCE' && Number(result.seen) === expected;
      if (!ok) failures += 1;
      console.log(`${mode}: ${ok ? 'ok' : 'FAILED'} — answer ${result.failure}, balance seen under the lock ${result.seen} (newest: ${expected})`);
    }
  } finally {
    await a.end();
    await b.end();
    await env.close();
  }
  process.exitCode = failures > 0 ? 1 : 0;
}

void main();
