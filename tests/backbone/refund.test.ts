import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters';
import { ledgerMismatches, type Harness, type TestPerson, type TestUser } from '../support/harness';
import { CJK, personId, updatePerson, useHarness, type RefundData, type SettleData } from './fixtures';

let serial = 0;
const nextSerial = (prefix: string): string => `${prefix}-${++serial}`;

interface Bill {
  serialNo: string;
  answer: SettleData;
  patient: TestPerson;
  sharer: TestPerson;
  sharerUser: TestUser;
  bindingId: string;
  inst: { code: string; key: string };
}

describe.each(ADAPTERS)('refund on %s', (adapter) => {
  const { skip, h: harness } = useHarness(adapter);

  /**
   * A bill of 5,000 fen for an employee patient with 2,000 in their own account and a sharer
   * with 100,000: the own account pays 2,000 first, mutual aid 3,000.
   */
  async function paidBill(h: Harness, options: { own?: number; amount?: number; shared?: number } = {}): Promise<Bill> {
    const own = options.own ?? 2_000;
    const amount = options.amount ?? 5_000;
    const patient = own > 0 ? await h.employee(own, { birthDate: '2001-01-01' }) : await h.person({ birthDate: '2001-01-01' });
    const sharer = await h.employee(options.shared ?? 100_000, { birthDate: '1970-01-01' });
    const sharerUser = await h.user(sharer);
    const { bindingId } = await h.bind(sharerUser, patient, 'child');
    const inst = await h.institution();
    const serialNo = nextSerial('BILL');
    const answer = await h.ok<SettleData>('settle', { serialNo, patientIdNumber: patient.idNumber, kind: 'inpatient', amountFen: amount }, inst.key);
    return { serialNo, answer, patient, sharer, sharerUser, bindingId, inst };
  }

  function refund(h: Harness, bill: Bill, amountFen: number, refundSerialNo = nextSerial('RF'), key = bill.inst.key) {
    return h.call<RefundData>('refund', { serialNo: bill.serialNo, refundSerialNo, amountFen }, key);
  }

  async function refundOk(h: Harness, bill: Bill, amountFen: number, refundSerialNo?: string): Promise<RefundData> {
    const envelope = await refund(h, bill, amountFen, refundSerialNo);
    if (!envelope.ok) throw new Error(`refund failed: ${envelope.error.code} ${envelope.error.message}`);
    expect(envelope.data.toMulaid + envelope.data.toSelf).toBe(amountFen);
    return envelope.data;
  }

  async function refundEntries(h: Harness, refundId: string) {
    return h.app.db.query<{ person_id: string; kind: string; delta_fen: bigint; settlement_id: string }>(
      'SELECT person_id, kind, delta_fen, settlement_id FROM ledger_entries WHERE refund_id = $1 ORDER BY delta_fen',
      [refundId],
    );
  }

  it.skipIf(skip)('refunds a whole bill to the accounts it came from', async () => {
    const h = harness();
    const bill = await paidBill(h);
    expect(bill.answer).toMatchObject({ selfAcctPay: 2_000, acctMulaidPay: 3_000, cashPay: 0 });
    expect(await h.balance(bill.patient)).toBe(0n);
    expect(await h.balance(bill.sharer)).toBe(97_000n);
    const answer = await refundOk(h, bill, 5_000);
    expect(answer).toMatchObject({ toMulaid: 3_000, toSelf: 2_000 });
    expect(answer.refundId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await h.balance(bill.patient)).toBe(2_000n);
    expect(await h.balance(bill.sharer)).toBe(100_000n);
    const entries = await refundEntries(h, answer.refundId);
    expect(entries).toEqual([
      { person_id: await personId(h, bill.patient), kind: 'refund', delta_fen: 2_000n, settlement_id: bill.answer.settlementId },
      { person_id: await personId(h, bill.sharer), kind: 'refund', delta_fen: 3_000n, settlement_id: bill.answer.settlementId },
    ]);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it.skipIf(skip)("returns the mutual-aid part first, then the patient's own account, over several partial refunds", async () => {
    const h = harness();
    const bill = await paidBill(h);
    const steps = [
      { amount: 1_000, toMulaid: 1_000, toSelf: 0, sharer: 98_000n, patient: 0n },
      { amount: 2_500, toMulaid: 2_000, toSelf: 500, sharer: 100_000n, patient: 500n },
      { amount: 1_499, toMulaid: 0, toSelf: 1_499, sharer: 100_000n, patient: 1_999n },
      { amount: 1, toMulaid: 0, toSelf: 1, sharer: 100_000n, patient: 2_000n },
    ];
    for (const step of steps) {
      const answer = await refundOk(h, bill, step.amount);
      expect(answer).toMatchObject({ toMulaid: step.toMulaid, toSelf: step.toSelf });
      expect(await h.balance(bill.sharer)).toBe(step.sharer);
      expect(await h.balance(bill.patient)).toBe(step.patient);
      const entries = await refundEntries(h, answer.refundId);
      expect(entries.map((e) => e.kind)).toEqual(entries.map(() => 'refund'));
      expect(entries.reduce((sum, e) => sum + e.delta_fen, 0n)).toBe(BigInt(step.amount));
    }
    // Everything the accounts paid is back: even one more fen is refused.
    const error = await refund(h, bill, 1);
    expect(error).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID', field: 'amountFen' } });
    const row = await h.app.db.query<{ self_refunded_fen: bigint; mulaid_refunded_fen: bigint }>(
      'SELECT self_refunded_fen, mulaid_refunded_fen FROM settlements WHERE settlement_id = $1',
      [bill.answer.settlementId],
    );
    expect(row).toEqual([{ self_refunded_fen: 2_000n, mulaid_refunded_fen: 3_000n }]);
  });

  it.skipIf(skip).each([
    { what: 'more than the whole bill', first: 0, amount: 5_001 },
    { what: 'more than is left after a partial refund', first: 4_000, amount: 1_001 },
    { what: 'anything after a whole refund', first: 5_000, amount: 1 },
  ])('cannot refund more than was paid: $what', async ({ first, amount }) => {
    const h = harness();
    const bill = await paidBill(h);
    if (first > 0) await refundOk(h, bill, first);
    const sharerBefore = await h.balance(bill.sharer);
    const patientBefore = await h.balance(bill.patient);
    const envelope = await refund(h, bill, amount);
    expect(envelope.ok).toBe(false);
    if (envelope.ok) return;
    expect(envelope.error).toMatchObject({ code: 'REFUND_EXCEEDS_PAID', field: 'amountFen' });
    expect(envelope.error.message).toMatch(CJK);
    expect(await h.balance(bill.sharer)).toBe(sharerBefore);
    expect(await h.balance(bill.patient)).toBe(patientBefore);
  });

  it.skipIf(skip)('the cash part is not refundable through us', async () => {
    const h = harness();
    // Own account 2,000, sharer only 1,000: mutual aid fails, 3,000 is cash.
    const bill = await paidBill(h, { own: 2_000, shared: 1_000, amount: 5_000 });
    expect(bill.answer).toMatchObject({ selfAcctPay: 2_000, acctMulaidPay: 0, cashPay: 3_000, mulaidFailure: 'INSUFFICIENT_BALANCE' });
    expect(await refund(h, bill, 2_001)).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
    expect(await refundOk(h, bill, 2_000)).toMatchObject({ toMulaid: 0, toSelf: 2_000 });
    expect(await h.balance(bill.sharer)).toBe(1_000n);
    expect(await h.balance(bill.patient)).toBe(2_000n);
  });

  it.skipIf(skip)('a bill paid wholly in cash has nothing to refund', async () => {
    const h = harness();
    const patient = await h.person({ birthDate: '2001-01-01' });
    const inst = await h.institution();
    const serialNo = nextSerial('BILL');
    await h.ok('settle', { serialNo, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen: 800 }, inst.key);
    const error = await h.err('refund', { serialNo, refundSerialNo: nextSerial('RF'), amountFen: 1 }, inst.key);
    expect(error.code).toBe('REFUND_EXCEEDS_PAID');
  });

  it.skipIf(skip)('the same refund serial and body again returns the first answer and moves no money', async () => {
    const h = harness();
    const bill = await paidBill(h);
    const refundSerialNo = nextSerial('RF');
    const first = await refundOk(h, bill, 1_500, refundSerialNo);
    for (let i = 0; i < 3; i += 1) {
      expect(await refundOk(h, bill, 1_500, refundSerialNo)).toEqual(first);
    }
    expect(await h.balance(bill.sharer)).toBe(98_500n);
    const rows = await h.app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM refunds WHERE refund_serial_no = $1', [refundSerialNo]);
    expect(rows[0]?.n).toBe(1n);
  });

  it.skipIf(skip)('a whole refund delivered twice at once answers the same to both', async () => {
    const h = harness();
    const bill = await paidBill(h);
    const refundSerialNo = nextSerial('RF');
    const [a, b] = await Promise.all([refund(h, bill, 5_000, refundSerialNo), refund(h, bill, 5_000, refundSerialNo)]);
    expect(a.ok && b.ok).toBe(true);
    expect(a).toEqual(b);
    expect(await h.balance(bill.sharer)).toBe(100_000n);
    expect(await h.balance(bill.patient)).toBe(2_000n);
  });

  it.skipIf(skip).each([
    { what: 'another amount', change: 'amount' },
    { what: 'another settlement', change: 'serial' },
  ] as const)('the same refund serial with $what is refused (IDEMPOTENCY_CONFLICT)', async ({ change }) => {
    const h = harness();
    const bill = await paidBill(h);
    const refundSerialNo = nextSerial('RF');
    await refundOk(h, bill, 1_000, refundSerialNo);
    let serialNo = bill.serialNo;
    if (change === 'serial') {
      serialNo = nextSerial('BILL');
      await h.ok('settle', { serialNo, patientIdNumber: bill.patient.idNumber, kind: 'outpatient', amountFen: 2_000 }, bill.inst.key);
    }
    const error = await h.err('refund', { serialNo, refundSerialNo, amountFen: change === 'amount' ? 1_001 : 1_000 }, bill.inst.key);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'refundSerialNo' });
    expect(error.message).toMatch(CJK);
    // Only the first refund (1,000) and, for the second bill, its own 2,000 moved.
    expect(await h.balance(bill.sharer)).toBe(change === 'serial' ? 96_000n : 98_000n);
  });

  it.skipIf(skip)("another institution's settlement is NOT_FOUND, even with the same serial number", async () => {
    const h = harness();
    const bill = await paidBill(h);
    const other = await h.institution();
    const error = await h.err('refund', { serialNo: bill.serialNo, refundSerialNo: nextSerial('RF'), amountFen: 100 }, other.key);
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'serialNo' });
    expect(error.message).toMatch(CJK);
    const unknown = await h.err('refund', { serialNo: 'NO-SUCH-BILL', refundSerialNo: nextSerial('RF'), amountFen: 100 }, bill.inst.key);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', field: 'serialNo' });
    expect(await h.balance(bill.sharer)).toBe(97_000n);
  });

  it.skipIf(skip).each([
    { who: 'no key', bearer: () => undefined },
    { who: 'the admin key', bearer: (h: Harness) => h.adminKey },
  ])('refuses a refund with $who (UNAUTHENTICATED)', async ({ bearer }) => {
    const h = harness();
    const bill = await paidBill(h);
    const error = await h.err('refund', { serialNo: bill.serialNo, refundSerialNo: nextSerial('RF'), amountFen: 100 }, bearer(h));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(await h.balance(bill.sharer)).toBe(97_000n);
  });

  it.skipIf(skip)('a refund after the binding was unbound still returns the money to the sharer', async () => {
    const h = harness();
    const bill = await paidBill(h, { own: 0 });
    expect(bill.answer.acctMulaidPay).toBe(5_000);
    await h.ok('unbindRelative', { bindingId: bill.bindingId }, bill.sharerUser.token);
    const answer = await refundOk(h, bill, 3_000);
    expect(answer).toMatchObject({ toMulaid: 3_000, toSelf: 0 });
    expect(await h.balance(bill.sharer)).toBe(98_000n);
    // The sharer's records keep the bill, net of the refund.
    const records = await h.ok<{ items: Array<{ settlementId: string; amountFen: number; refundedFen: number }>; totalFen: number }>(
      'listRecords',
      { role: 'sharer' },
      bill.sharerUser.token,
    );
    expect(records.items).toEqual([expect.objectContaining({ settlementId: bill.answer.settlementId, amountFen: 5_000, refundedFen: 3_000 })]);
    expect(records.totalFen).toBe(2_000);
  });

  it.skipIf(skip)('a refund returns the money to a sharer who is no longer eligible to share', async () => {
    const h = harness();
    const bill = await paidBill(h, { own: 0 });
    await updatePerson(h, bill.sharer, { status: 'suspended' });
    expect(await refundOk(h, bill, 5_000)).toMatchObject({ toMulaid: 5_000, toSelf: 0 });
    expect(await h.balance(bill.sharer)).toBe(100_000n);
  });

  it.skipIf(skip)('keeps every account equal to its ledger after all of the above', async () => {
    const h = harness();
    expect(await ledgerMismatches(h.app)).toEqual([]);
    // Each refund's entries add up to its amount, and no settlement had more back than it paid.
    const refunds = await h.app.db.query(
      `SELECT r.refund_id FROM refunds r LEFT JOIN ledger_entries l ON l.refund_id = r.refund_id
       GROUP BY r.refund_id, r.amount_fen HAVING COALESCE(sum(l.delta_fen), 0) <> r.amount_fen`,
    );
    expect(refunds).toEqual([]);
    const over = await h.app.db.query(
      `SELECT s.settlement_id FROM settlements s LEFT JOIN refunds r ON r.settlement_id = s.settlement_id
       GROUP BY s.settlement_id, s.self_pay_fen, s.mulaid_pay_fen
       HAVING COALESCE(sum(r.amount_fen), 0) > s.self_pay_fen + s.mulaid_pay_fen`,
    );
    expect(over).toEqual([]);
  });
});
