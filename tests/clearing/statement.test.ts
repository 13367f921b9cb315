import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { shanghaiMonthRange } from '../../server/usecases/clearing';
import { ADAPTERS } from '../support/adapters';
import { useHarness, type SettleData } from '../backbone/fixtures';
import { buildClearingWorld, ledgerNetOfMonth, moveSharer, type ClearingWorld, type Statement } from './support';

/**
 * SPEC 2.11 monthly clearing: per (sharer's province → institution's province), the month's
 * mutual-aid payments less the refunds made in the month; the current month live, a past
 * month stored once and never changed.
 */
describe.each(ADAPTERS)('clearingStatement on %s', (adapter) => {
  const clock = new ManualClock('2026-01-10T02:00:00Z');
  const { skip, h: harness } = useHarness(adapter, { clock });
  let world: ClearingWorld;
  let serial = 0;

  async function settle(relative: number, code: keyof ClearingWorld['institutions'], amountFen: number): Promise<{ serialNo: string; data: SettleData }> {
    const serialNo = `CL-${++serial}`;
    const data = await harness().ok<SettleData>(
      'settle',
      { serialNo, patientIdNumber: world.relatives[relative]!.person.idNumber, kind: 'outpatient', amountFen },
      world.institutions[code].key,
    );
    return { serialNo, data };
  }
  const statement = (month: string) => harness().ok<Statement>('clearingStatement', { month }, harness().adminKey);

  it.skipIf(skip)('stamps the sharer\'s province at payment time, the institution\'s from its national code, and nets refunds in the month they are made', async () => {
    const h = harness();
    world = await buildClearingWorld(h, { sharers: 2, relativesPerSharer: 1 });
    // Sharer 0 is in Hebei (13), sharer 1 in Jiangsu (32).
    clock.set('2026-01-10T02:00:00Z');
    const a = await settle(0, 'H32010000002', 10_000); // 13 → 32
    await settle(1, 'H13010000001', 3_000); // 32 → 13
    await settle(0, 'LOCAL-CLINIC', 700); // 13 → unknown
    clock.set('2026-01-31T15:59:59Z'); // 23:59:59 in Shanghai: still January
    await settle(1, 'H13010000001', 2_000);
    expect(a.data.acctMulaidPay).toBe(10_000);

    // The sharer moves to Guangdong: January's payments stay Hebei's, February's are Guangdong's.
    clock.set('2026-02-03T01:00:00Z');
    await moveSharer(h, world, 0, '440100');
    await settle(0, 'H32010000002', 4_000); // 44 → 32
    // A refund in February of January's payment: February's, against January's pair (13 → 32).
    await h.ok('refund', { serialNo: a.serialNo, refundSerialNo: 'CL-R1', amountFen: 2_500 }, world.institutions.H32010000002.key);

    const january = await statement('2026-01');
    expect(january).toEqual({
      month: '2026-01',
      closed: true,
      rows: [
        { fromProvince: '13', toProvince: '32', count: 1, amountFen: 10_000, paidFen: 10_000, refunds: 0, refundedFen: 0 },
        { fromProvince: '13', toProvince: null, count: 1, amountFen: 700, paidFen: 700, refunds: 0, refundedFen: 0 },
        { fromProvince: '32', toProvince: '13', count: 2, amountFen: 5_000, paidFen: 5_000, refunds: 0, refundedFen: 0 },
      ],
      totalFen: 15_700,
    });
    const february = await statement('2026-02');
    expect(february).toEqual({
      month: '2026-02',
      closed: false,
      rows: [
        { fromProvince: '13', toProvince: '32', count: 0, amountFen: -2_500, paidFen: 0, refunds: 1, refundedFen: 2_500 },
        { fromProvince: '44', toProvince: '32', count: 1, amountFen: 4_000, paidFen: 4_000, refunds: 0, refundedFen: 0 },
      ],
      totalFen: 1_500,
    });
    for (const [month, answer] of [['2026-01', january], ['2026-02', february]] as const) {
      const { from, to } = shanghaiMonthRange(month);
      expect(BigInt(answer.totalFen)).toBe(await ledgerNetOfMonth(h, from, to));
    }
  });

  it.skipIf(skip)('answers a closed month as stored: later refunds and settlements never change it', async () => {
    const h = harness();
    const before = await statement('2026-01');
    expect(before.closed).toBe(true);
    // A late refund of January's 32 → 13 payment, and new payments, all in February.
    await h.ok('refund', { serialNo: 'CL-2', refundSerialNo: 'CL-R2', amountFen: 3_000 }, world.institutions.H13010000001.key);
    await settle(1, 'H13010000001', 900);
    expect(await statement('2026-01')).toEqual(before);
    // Even a row written behind the application's back (a settlement stamped in January) does not reopen it.
    await h.app.db.query(`UPDATE settlements SET created_at = '2026-01-15T00:00:00Z' WHERE serial_no = $1`, [`CL-${serial}`]);
    expect(await statement('2026-01')).toEqual(before);
    const stored = await h.app.db.query<{ n: bigint }>(`SELECT count(*) AS n FROM clearing_statements WHERE month = '2026-01'`);
    expect(stored[0]!.n).toBe(1n);
  });

  it.skipIf(skip)('refuses to change or delete a stored statement in the database itself', async () => {
    const db = harness().app.db;
    await expect(db.query(`UPDATE clearing_statement_rows SET paid_fen = paid_fen + 1 WHERE month = '2026-01'`)).rejects.toMatchObject({ code: '42501' });
    await expect(db.query(`DELETE FROM clearing_statement_rows WHERE month = '2026-01'`)).rejects.toMatchObject({ code: '42501' });
    await expect(db.query(`UPDATE clearing_statements SET total_fen = 0 WHERE month = '2026-01'`)).rejects.toMatchObject({ code: '42501' });
    await expect(db.query(`DELETE FROM clearing_statements WHERE month = '2026-01'`)).rejects.toMatchObject({ code: '42501' });
  });

  it.skipIf(skip)('keeps the month live for five minutes after it ends, then closes it', async () => {
    clock.set('2026-03-01T00:00:00Z'); // 08:00 on 1 March in Shanghai: February is over
    expect((await statement('2026-02')).closed).toBe(true);
    clock.set('2026-03-31T16:04:00Z'); // 00:04 on 1 April in Shanghai
    expect((await statement('2026-03')).closed).toBe(false);
    clock.set('2026-03-31T16:05:00Z');
    expect((await statement('2026-03')).closed).toBe(true);
  });

  it.skipIf(skip)('stores a closed month once when two operators ask at the same moment', async () => {
    const h = harness();
    clock.set('2026-04-20T02:00:00Z');
    await settle(0, 'H13010000001', 1_234);
    clock.set('2026-05-02T02:00:00Z');
    const answers = await Promise.all([statement('2026-04'), statement('2026-04'), statement('2026-04')]);
    expect(answers[0]!.closed).toBe(true);
    expect(answers[0]!.totalFen).toBe(1_234);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    const counts = await h.app.db.query<{ headers: bigint; rows: bigint; audits: bigint }>(
      `SELECT (SELECT count(*) FROM clearing_statements WHERE month = '2026-04') AS headers,
              (SELECT count(*) FROM clearing_statement_rows WHERE month = '2026-04') AS rows,
              (SELECT count(*) FROM audit_events WHERE action = 'closeClearingMonth' AND subject = 'clearing:2026-04') AS audits`,
    );
    expect(counts[0]).toEqual({ headers: 1n, rows: 1n, audits: 1n });
  });

  it.skipIf(skip)('refuses a month that has not begun, and answers an empty month with no rows', async () => {
    const h = harness();
    clock.set('2026-05-31T15:59:00Z'); // 23:59 on 31 May in Shanghai
    const future = await h.err('clearingStatement', { month: '2026-06' }, h.adminKey);
    expect(future).toMatchObject({ code: 'INVALID_INPUT', field: 'month' });
    expect(future.message).toMatch(/尚未开始/);
    expect(await statement('2025-07')).toEqual({ month: '2025-07', closed: true, rows: [], totalFen: 0 });
    expect(await statement('2026-05')).toMatchObject({ month: '2026-05', closed: false, rows: [], totalFen: 0 });
  });

  it.skipIf(skip)('records the province of an institution from its national code', async () => {
    const rows = await harness().app.db.query<{ code: string; region: string | null }>('SELECT code, region FROM institutions ORDER BY code');
    expect(rows).toEqual([
      { code: 'H13010000001', region: '130100' },
      { code: 'H32010000002', region: '320100' },
      { code: 'LOCAL-CLINIC', region: null },
      { code: 'P44030000003', region: '440300' },
    ]);
  });
});
