import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { shanghaiMonth } from '../../src/rules/age';
import { shanghaiMonthRange } from '../../server/usecases/clearing';
import { ADAPTERS } from '../support/adapters';
import { useHarness, type RefundData, type SettleData } from '../backbone/fixtures';
import {
  buildClearingWorld,
  INSTITUTION_CODES,
  ledgerNetOfMonth,
  moveSharer,
  PROVINCE_OF_INSTITUTION,
  REGIONS,
  type ClearingWorld,
  type Statement,
  type StatementRow,
} from './support';

/**
 * SPEC 2.11 on random data: sharers moving between provinces, bills at institutions of several
 * provinces (and one without a division code), partial refunds of payments of this month or
 * earlier ones, time moving across month ends, and operators asking for statements on the way.
 * For every month: the statement's total equals the ledger's mutual-aid debits less mutual-aid
 * refunds of that month, its rows equal a model kept by the test (the sharer's province at the
 * time of payment, the refund in the month it is made), and a month once closed answers the same
 * ever after.
 */
type Command =
  | { kind: 'settle'; relative: number; institution: number; amountFen: number }
  | { kind: 'refund'; payment: number; share: number }
  | { kind: 'move'; sharer: number; region: number }
  | { kind: 'wait'; hours: number }
  | { kind: 'ask'; monthsBack: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('settle' as const), relative: fc.nat(99), institution: fc.nat(INSTITUTION_CODES.length - 1), amountFen: fc.integer({ min: 1, max: 80_000 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('refund' as const), payment: fc.nat(999), share: fc.double({ min: 0.05, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), sharer: fc.nat(99), region: fc.nat(REGIONS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), hours: fc.integer({ min: 1, max: 24 * 25 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ask' as const), monthsBack: fc.nat(2) }) },
);

interface Payment {
  serialNo: string;
  code: (typeof INSTITUTION_CODES)[number];
  from: string;
  to: string | null;
  left: number;
}

/** The model's statement of each month: pair → counts and amounts. */
class Model {
  readonly months = new Map<string, Map<string, StatementRow>>();
  private row(month: string, from: string, to: string | null): StatementRow {
    let rows = this.months.get(month);
    if (!rows) this.months.set(month, (rows = new Map()));
    const key = `${from}>${to}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { fromProvince: from, toProvince: to, count: 0, amountFen: 0, paidFen: 0, refunds: 0, refundedFen: 0 }));
    return row;
  }
  paid(month: string, p: Payment, fen: number): void {
    const row = this.row(month, p.from, p.to);
    row.count += 1;
    row.paidFen += fen;
    row.amountFen += fen;
  }
  refunded(month: string, p: Payment, fen: number): void {
    const row = this.row(month, p.from, p.to);
    row.refunds += 1;
    row.refundedFen += fen;
    row.amountFen -= fen;
  }
  statement(month: string): { rows: StatementRow[]; totalFen: number } {
    const rows = [...(this.months.get(month)?.values() ?? [])].sort(
      (a, b) => (a.fromProvince! < b.fromProvince! ? -1 : a.fromProvince! > b.fromProvince! ? 1 : 0) || ((a.toProvince ?? '99') < (b.toProvince ?? '99') ? -1 : (a.toProvince ?? '99') > (b.toProvince ?? '99') ? 1 : 0),
    );
    return { rows, totalFen: rows.reduce((sum, row) => sum + row.amountFen, 0) };
  }
}

function monthsBefore(month: string, back: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

describe.each(ADAPTERS)('the clearing statement reconciles with the ledger on %s', (adapter) => {
  const clock = new ManualClock('2026-01-05T04:00:00Z');
  const { skip, h: harness } = useHarness(adapter, { clock });

  it.skipIf(skip)('on random settlements, refunds, registry moves and month ends', { timeout: 600_000 }, async () => {
    const h = harness();
    const world: ClearingWorld = await buildClearingWorld(h, { sharers: 4, relativesPerSharer: 2 });
    const model = new Model();
    const payments: Payment[] = [];
    /** The first closed answer of each month, which must never change. */
    const closed = new Map<string, Statement>();
    const touched = new Set<string>();
    let serial = 0;
    const statement = (month: string) => h.ok<Statement>('clearingStatement', { month }, h.adminKey);

    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        // Every run starts in a month of its own, after everything earlier runs did.
        clock.advance(40 * 86_400);
        for (const c of commands) {
          const now = clock.now();
          const month = shanghaiMonth(now);
          touched.add(month);
          if (c.kind === 'settle') {
            const relative = world.relatives[c.relative % world.relatives.length]!;
            const code = INSTITUTION_CODES[c.institution]!;
            const serialNo = `PR-${++serial}`;
            const data = await h.ok<SettleData>('settle', { serialNo, patientIdNumber: relative.person.idNumber, kind: 'pharmacy', amountFen: c.amountFen }, world.institutions[code].key);
            expect(data.acctMulaidPay).toBe(c.amountFen);
            const payment: Payment = { serialNo, code, from: world.sharers[relative.sharer]!.region.slice(0, 2), to: PROVINCE_OF_INSTITUTION[code], left: c.amountFen };
            payments.push(payment);
            model.paid(month, payment, c.amountFen);
          } else if (c.kind === 'refund' && payments.length > 0) {
            const payment = payments[c.payment % payments.length]!;
            if (payment.left === 0) continue;
            const amountFen = Math.max(1, Math.floor(payment.left * c.share));
            const data = await h.ok<RefundData>('refund', { serialNo: payment.serialNo, refundSerialNo: `PRR-${++serial}`, amountFen }, world.institutions[payment.code].key);
            expect(data.toMulaid).toBe(amountFen);
            payment.left -= amountFen;
            model.refunded(month, payment, amountFen);
          } else if (c.kind === 'move') {
            await moveSharer(h, world, c.sharer % world.sharers.length, REGIONS[c.region]!);
          } else if (c.kind === 'wait') {
            clock.advance(c.hours * 3600);
          } else if (c.kind === 'ask') {
            const asked = monthsBefore(month, c.monthsBack);
            const answer = await statement(asked);
            if (answer.closed && !closed.has(asked)) closed.set(asked, answer);
          }
        }
        for (const month of touched) {
          const answer = await statement(month);
          expect({ month, ...model.statement(month) }).toEqual({ month, rows: answer.rows, totalFen: answer.totalFen });
          const { from, to } = shanghaiMonthRange(month);
          expect(BigInt(answer.totalFen)).toBe(await ledgerNetOfMonth(h, from, to));
          if (answer.closed && !closed.has(month)) closed.set(month, answer);
        }
        for (const [month, first] of closed) expect(await statement(month)).toEqual(first);
      }),
      { numRuns: 8 },
    );
    // The property ran over several months, closed months among them.
    expect(touched.size).toBeGreaterThan(8);
    expect(closed.size).toBeGreaterThan(4);
  });
});
