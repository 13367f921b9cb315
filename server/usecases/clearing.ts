import { shanghaiMonth } from '../../src/rules/age';
import { isMainlandProvinceCode } from '../../src/rules/provinces';
import type { App } from '../app';
import { invalidInput } from '../errors';
import { shanghaiDayStart } from '../platform/time';
import { audit } from '../store/audit';
import { claimClosedMonth, computeClearingRows, readClosedMonth, storeClosedMonth, type ClearingRow } from '../store/clearing';

/**
 * A national institution code (国家医保信息业务编码 of a 定点医药机构): H (hospital) or P
 * (pharmacy), the six-digit division code of its place, five digits (the demo's H13010000001).
 * Returns that division code when its province exists on the mainland, else null: such an
 * institution (a test code, a legacy local code) is cleared under an unknown province (null),
 * never dropped, so the statement still adds up to the ledger.
 */
export function regionOfInstitutionCode(code: string): string | null {
  const match = /^[HP]([0-9]{6})[0-9]{5}$/.exec(code);
  const region = match?.[1];
  return region && isMainlandProvinceCode(region.slice(0, 2)) ? region : null;
}

/**
 * A month is closed once it is over in Asia/Shanghai and a grace of five minutes has passed:
 * a settlement stamped 23:59:59.9 by one gateway may commit a moment after midnight (or a
 * gateway's clock may run a little behind), and a stored statement must never miss it.
 */
export const CLOSE_GRACE_MS = 5 * 60 * 1000;

export interface ClearingStatementRow {
  /** The sharer's province at payment time (two digits). */
  fromProvince: string | null;
  /** The institution's province (two digits); null when its code carries no division code. */
  toProvince: string | null;
  /** Mutual-aid payments made in the month. */
  count: bigint;
  /** paidFen − refundedFen: what the sharer's province owes the institution's for the month. */
  amountFen: bigint;
  paidFen: bigint;
  /** Refunds made in the month of the pair's mutual-aid payments (of this month or earlier). */
  refunds: bigint;
  refundedFen: bigint;
}

export interface ClearingStatement {
  month: string;
  closed: boolean;
  rows: ClearingStatementRow[];
  totalFen: bigint;
}

/** The instants [from, to) of a Shanghai calendar month `YYYY-MM`. */
export function shanghaiMonthRange(month: string): { from: Date; to: Date } {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7));
  const next = index === 12 ? `${String(year + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(index + 1).padStart(2, '0')}`;
  return { from: shanghaiDayStart(`${month}-01`), to: shanghaiDayStart(`${next}-01`) };
}

function toAnswer(month: string, closed: boolean, rows: readonly ClearingRow[]): ClearingStatement {
  const out = rows.map((row) => ({
    fromProvince: row.from_province,
    toProvince: row.to_province,
    count: row.payments,
    amountFen: row.paid_fen - row.refunded_fen,
    paidFen: row.paid_fen,
    refunds: row.refunds,
    refundedFen: row.refunded_fen,
  }));
  return { month, closed, rows: out, totalFen: out.reduce((sum, row) => sum + row.amountFen, 0n) };
}

/** The month's computation reads every settlement of the month: seconds on a million, more than a request's statement may take. */
const REPORT = { report: true } as const;

/**
 * SPEC 2.11 monthly clearing: per (sharer's province → institution's province), the number of
 * the month's mutual-aid payments and their amount less the refunds of the month.
 *
 * A refund counts in the month in which it is made, against the pair of the payment it returns:
 * a closed month never changes, so a refund of May's payment made in June is June's business
 * (the provinces settle it in June's run), and every month's total equals the ledger's
 * mutual-aid debits less its mutual-aid refunds of that month.
 *
 * The current month is computed live (`closed: false`); a closed month is computed once, stored,
 * and answered as stored from then on; a month not yet begun is INVALID_INPUT.
 */
export async function clearingStatement(app: App, input: { month: string }): Promise<ClearingStatement> {
  const { month } = input;
  const now = app.clock.now();
  if (month > shanghaiMonth(now)) invalidInput('month', '该月份尚未开始，无法出具清算单');
  const { from, to } = shanghaiMonthRange(month);
  if (now.getTime() < to.getTime() + CLOSE_GRACE_MS) {
    return toAnswer(month, false, await app.db.transaction((tx) => computeClearingRows(tx, from, to), REPORT));
  }
  const stored = await readClosedMonth(app.db, month);
  if (stored) return toAnswer(month, true, stored.rows);
  const rows = await app.db.transaction(async (tx) => {
    if (!(await claimClosedMonth(tx, month, now))) return null;
    const computed = await computeClearingRows(tx, from, to);
    await storeClosedMonth(tx, month, computed, toAnswer(month, true, computed).totalFen);
    await audit(tx, now, 'operator', 'closeClearingMonth', `clearing:${month}`, { rows: computed.length });
    return computed;
  }, REPORT);
  if (rows) return toAnswer(month, true, rows);
  // Another caller stored it while this one waited for the month's key: answer what it stored.
  const theirs = await readClosedMonth(app.db, month);
  if (!theirs) throw new Error(`clearing statement of ${month} claimed but not stored`);
  return toAnswer(month, true, theirs.rows);
}
