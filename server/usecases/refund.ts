import { randomUUID } from 'node:crypto';
import type { App } from '../app';
import { fail } from '../errors';
import type { InstitutionCaller } from '../runtime/caller';
import { firstAnswerOr, Replay, requestHash, throwIfClaimed, type IdempotencyKey } from '../store/idempotency';
import { credit, lockAccounts } from '../store/ledger';
import type { Data, Served } from '../contract';

export interface RefundAnswer {
  refundId: string;
  toMulaid: bigint;
  toSelf: bigint;
}

interface SettlementRow {
  settlement_id: string;
  patient_id: string;
  sharer_id: string | null;
  binding_id: string | null;
  mulaid_source: 'balance' | 'quota' | null;
  self_pay_fen: bigint;
  mulaid_pay_fen: bigint;
  self_refunded_fen: bigint;
  mulaid_refunded_fen: bigint;
}

/**
 * SPEC 2.2 refund: money returns in the reverse order of payment, the sharer's part first,
 * then the patient's own account; never more than the accounts paid and have not had back.
 * The sharer's part of a payment from a quota goes back into that quota (held again for the
 * relative) while the binding is live; once it has ended, to the sharer's free balance (SPEC
 * 2.11). The accounts are locked in key order before the binding is read, as every writer of
 * a quota does (migration 0005), so an end of the binding cannot slip in between.
 */
export async function refund(
  app: App,
  institution: InstitutionCaller,
  input: { serialNo: string; refundSerialNo: string; amountFen: number },
): Promise<Served<Data<'refund'>>> {
  const hash = requestHash('refund', input.serialNo, input.amountFen);
  const key: IdempotencyKey = { operation: 'refund', institution: institution.code, serialNo: input.refundSerialNo, hash };
  return firstAnswerOr<RefundAnswer>(app, key, () =>
    app.db.transaction(async (tx) => {
      const rows = await tx.query<SettlementRow>(
        `SELECT settlement_id, patient_id, sharer_id, binding_id, mulaid_source, self_pay_fen, mulaid_pay_fen, self_refunded_fen, mulaid_refunded_fen
         FROM settlements WHERE institution_code = $1 AND serial_no = $2 FOR UPDATE`,
        [institution.code, input.serialNo],
      );
      // A duplicate delivery that committed while this one waited for the lock: answer as it did
      // (checked before the amount, which that duplicate may have used up).
      await throwIfClaimed(tx, key);
      const settlement = rows[0];
      if (!settlement) fail('NOT_FOUND', '未找到该结算流水号对应的结算记录', 'serialNo');
      const amount = BigInt(input.amountFen);
      const mulaidLeft = settlement.mulaid_pay_fen - settlement.mulaid_refunded_fen;
      const selfLeft = settlement.self_pay_fen - settlement.self_refunded_fen;
      if (amount > mulaidLeft + selfLeft) {
        fail(
          'REFUND_EXCEEDS_PAID',
          `退款金额超过个人账户实际支付且尚未退回的金额（最多可退 ${mulaidLeft + selfLeft} 分）；现金部分请由机构自行退还`,
          'amountFen',
        );
      }
      const toMulaid = amount < mulaidLeft ? amount : mulaidLeft;
      const toSelf = amount - toMulaid;
      const refundId = randomUUID();
      const answer: RefundAnswer = { refundId, toMulaid, toSelf };
      const now = app.clock.now();
      const inserted = await tx.query(
        `INSERT INTO refunds (refund_id, institution_code, refund_serial_no, request_hash, settlement_id, amount_fen,
           to_mulaid_fen, to_self_fen, response, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (institution_code, refund_serial_no) DO NOTHING RETURNING refund_id`,
        [
          refundId,
          institution.code,
          input.refundSerialNo,
          hash,
          settlement.settlement_id,
          amount,
          toMulaid,
          toSelf,
          JSON.stringify({ refundId, toMulaid: Number(toMulaid), toSelf: Number(toSelf) }),
          now,
        ],
      );
      if (inserted.length === 0) throw new Replay();
      await tx.query(
        `UPDATE settlements SET mulaid_refunded_fen = mulaid_refunded_fen + $2, self_refunded_fen = self_refunded_fen + $3
         WHERE settlement_id = $1`,
        [settlement.settlement_id, toMulaid, toSelf],
      );
      // Lock and credit in key order, as settlements lock, so the two never wait on each other in a cycle.
      const credits = [
        { personId: settlement.sharer_id, amount: toMulaid, intoQuotaOf: null as string | null },
        { personId: settlement.patient_id, amount: toSelf, intoQuotaOf: null as string | null },
      ]
        .filter((c): c is { personId: string; amount: bigint; intoQuotaOf: string | null } => c.personId !== null && c.amount > 0n)
        .sort((a, b) => (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0));
      await lockAccounts(
        tx,
        credits.map((c) => c.personId),
      );
      const sharerPart = credits.find((c) => c.personId === settlement.sharer_id);
      if (sharerPart && settlement.mulaid_source === 'quota' && settlement.binding_id) {
        const back = await tx.query(
          `UPDATE bindings SET quota_left_fen = quota_left_fen + $2
           WHERE binding_id = $1 AND status IN ('active', 'pending') AND quota_left_fen IS NOT NULL RETURNING binding_id`,
          [settlement.binding_id, sharerPart.amount],
        );
        if (back.length > 0) sharerPart.intoQuotaOf = settlement.binding_id;
      }
      for (const c of credits) {
        await credit(tx, {
          personId: c.personId,
          amount: c.amount,
          kind: 'refund',
          settlementId: settlement.settlement_id,
          refundId,
          entryId: randomUUID(),
          at: now,
          intoQuotaOf: c.intoQuotaOf,
        });
      }
      return answer;
    }),
  );
}
