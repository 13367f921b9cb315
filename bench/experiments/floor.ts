/**
 * The floor: only the rows a mutual-aid settlement must write — the settlement (with its five
 * indexes), the debit of the sharer's account, the ledger entry — in ONE prepared statement,
 * with no read, no lock, no choice and no idempotency check. No real settlement can be cheaper
 * on this schema; its rate against the raw UPDATE says how far the 0.4 target is reachable.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Arm } from '../lib/interleave';
import { closedLoop } from '../lib/stats';

const FLOOR_SQL = /* sql */ `
WITH ins AS (
  INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
    self_pay_fen, mulaid_pay_fen, cash_pay_fen, binding_id, sharer_id, mulaid_entry_id, response, created_at)
  VALUES ($1, $2, $3, 'floor', $4, 'outpatient', $5, 0, $5, 0, $6, $7, $8,
    jsonb_build_object('settlementId', $1::uuid, 'selfAcctPay', 0, 'acctMulaidPay', $5::bigint, 'acctPay', $5::bigint, 'cashPay', 0, 'mulaidFailure', null), $9)
  RETURNING sharer_id, mulaid_pay_fen),
moved AS (
  UPDATE accounts a SET balance_fen = a.balance_fen - ins.mulaid_pay_fen, updated_at = $9
  FROM ins WHERE a.person_id = ins.sharer_id AND a.balance_fen >= ins.mulaid_pay_fen
  RETURNING a.person_id, a.balance_fen, ins.mulaid_pay_fen)
INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
SELECT $8, person_id, 'mulaid_pay', -mulaid_pay_fen, balance_fen, $1, $9 FROM moved`;

export async function floorArm(pool: pg.Pool, institution: string, concurrency = 16): Promise<Arm> {
  const bindings = (await pool.query<{ binding_id: string; sharer_id: string; relative_id: string }>(
    "SELECT binding_id, sharer_id, relative_id FROM bindings WHERE status = 'active' LIMIT 20000",
  )).rows;
  let slices = 0;
  let pick = 7;
  return {
    name: 'writes_floor',
    slice: (durationMs) => {
      const slice = slices++;
      return closedLoop({
        workers: concurrency,
        warmupMs: 300,
        durationMs,
        op: async (w, i) => {
          pick = (Math.imul(pick, 1_664_525) + 1_013_904_223) >>> 0;
          const b = bindings[pick % bindings.length]!;
          const result = await pool.query({
            name: 'yb_floor',
            text: FLOOR_SQL,
            values: [randomUUID(), institution, `floor-${slice}-${w}-${i}`, b.relative_id, 100 + (i % 5000), b.binding_id, b.sharer_id, randomUUID(), new Date()],
          });
          if (result.rowCount !== 1) throw new Error('floor write refused');
        },
      });
    },
  };
}
