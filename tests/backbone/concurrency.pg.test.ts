import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../server/runtime/envelope';
import { pgAvailable } from '../support/adapters';
import { ledgerMismatches, Harness, type TestPerson, type TestUser } from '../support/harness';
import { freshPostgres } from '../support/postgres';
import { installCommitLog } from '../reliability/model/commitLog';
import { personId, seededRandom, TickingClock, type RefundData, type SettleData } from './fixtures';

/**
 * SPEC 2.2 item 5 under real concurrency: PostgreSQL with a pool of 16 connections, every
 * request through the real cloud function. A test-only commit log (a deferred trigger that
 * draws a sequence number at COMMIT, while the row locks are still held: see
 * tests/reliability/model/commitLog.ts) gives the order in which the database serialized the
 * settlements, and the tests replay that order.
 */
const POOL_SIZE = 16;
const REGION = '130100';

interface SettlementRow {
  settlement_id: string;
  serial_no: string;
  patient_id: string;
  amount_fen: bigint;
  mulaid_pay_fen: bigint;
  mulaid_failure: string | null;
  sharer_id: string | null;
  created_at: Date;
  seq: bigint | null;
  balance_after_fen: bigint | null;
}

describe('settlement under concurrency on postgres', () => {
  const skip = !pgAvailable;
  let handle: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  let harness: Harness | undefined;
  const h = (): Harness => {
    if (!harness) throw new Error('harness not ready');
    return harness;
  };

  beforeAll(async () => {
    if (skip) return;
    handle = await freshPostgres(POOL_SIZE);
    harness = await Harness.create(handle.db, {}, new TickingClock());
    await installCommitLog(handle.db);
    // Ten relatives per sharer need a higher limit than the default eight.
    await harness.ok('setPolicy', { scope: REGION, maxRelatives: 20 }, harness.adminKey);
  }, 60_000);
  afterAll(async () => {
    await handle?.drop();
  });

  async function sharer(balanceFen: number): Promise<{ person: TestPerson; user: TestUser; id: string }> {
    const person = await h().employee(balanceFen, { birthDate: '1960-01-01', poolingRegion: REGION });
    return { person, user: await h().user(person), id: await personId(h(), person) };
  }

  async function relatives(count: number): Promise<TestPerson[]> {
    const out: TestPerson[] = [];
    for (let i = 0; i < count; i += 1) out.push(await h().person({ birthDate: `200${i % 10}-0${1 + (i % 9)}-15`, poolingRegion: REGION }));
    return out;
  }

  /** The settlements of one institution in the order the database made them, with the sharer's balance after each payment. */
  async function settlementsInOrder(code: string): Promise<SettlementRow[]> {
    return h().app.db.query<SettlementRow>(
      `SELECT s.settlement_id, s.serial_no, s.patient_id, s.amount_fen, s.mulaid_pay_fen, s.mulaid_failure, s.sharer_id, s.created_at,
              c.seq, l.balance_after_fen
       FROM settlements s LEFT JOIN ledger_entries l ON l.entry_id = s.mulaid_entry_id
       LEFT JOIN reliability_commit_log c ON c.kind = 'settlement' AND c.row_id = s.settlement_id
       WHERE s.institution_code = $1 ORDER BY c.seq`,
      [code],
    );
  }

  /** Fires the deliveries all at once (Promise.all) and reports the rate. */
  async function fire<T>(label: string, calls: Array<() => Promise<Envelope<T>>>, unique: number): Promise<Array<Envelope<T>>> {
    const started = performance.now();
    const answers = await Promise.all(calls.map((call) => call()));
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[concurrency] ${label}: ${unique} distinct requests, ${calls.length} deliveries in ${(seconds * 1000).toFixed(0)} ms → ` +
        `${(calls.length / seconds).toFixed(0)} calls/s (${(unique / seconds).toFixed(0)} distinct/s) with a pool of ${POOL_SIZE}`,
    );
    return answers;
  }

  function shuffle<T>(items: T[], random: () => number): T[] {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  it.skipIf(skip)(
    'one sharer and ten relatives, 200 bills and duplicate deliveries at once: the balance runs out exactly, never below zero, each bill paid once',
    async () => {
      const opening = 600_000;
      const { person: sharerPerson, user, id: sharerId } = await sharer(opening);
      const family = await relatives(10);
      for (const relative of family) await h().bind(user, relative, 'child');
      const inst = await h().institution();
      const random = seededRandom(42);
      const bills = Array.from({ length: 200 }, (_, i) => ({
        serialNo: `C1-${String(i).padStart(4, '0')}`,
        patient: family[i % family.length]!,
        kind: (['outpatient', 'inpatient', 'pharmacy'] as const)[i % 3]!,
        amountFen: 1_000 + Math.floor(random() * 8_000),
      }));
      // Every fifth serial is delivered three times.
      const deliveries = shuffle(
        bills.flatMap((bill, i) => Array.from({ length: i % 5 === 0 ? 3 : 1 }, () => bill)),
        random,
      );
      expect(deliveries.length).toBe(280);
      const answers = await fire(
        'one sharer, 10 relatives',
        deliveries.map((bill) => () =>
          h().call<SettleData>('settle', { serialNo: bill.serialNo, patientIdNumber: bill.patient.idNumber, kind: bill.kind, amountFen: bill.amountFen }, inst.key),
        ),
        bills.length,
      );

      // Every delivery answered, and the duplicates answered exactly as the first.
      const bySerial = new Map<string, SettleData[]>();
      answers.forEach((envelope, i) => {
        expect(envelope.ok).toBe(true);
        if (!envelope.ok) return;
        const serialNo = deliveries[i]!.serialNo;
        bySerial.set(serialNo, [...(bySerial.get(serialNo) ?? []), envelope.data]);
      });
      expect(bySerial.size).toBe(200);
      for (const [serialNo, same] of bySerial) {
        for (const answer of same) expect({ serialNo, answer }).toEqual({ serialNo, answer: same[0] });
      }

      // Exactly one settlement row per serial.
      const rows = await settlementsInOrder(inst.code);
      expect(rows.length).toBe(200);
      expect(new Set(rows.map((r) => r.serial_no)).size).toBe(200);

      // Balance = opening − what mutual aid paid (each serial once), never below zero.
      const firstAnswers = [...bySerial.values()].map((same) => same[0]!);
      const paid = firstAnswers.reduce((sum, a) => sum + a.acctMulaidPay, 0);
      const balance = await h().balance(sharerPerson);
      expect(balance).toBe(BigInt(opening - paid));
      expect(balance! >= 0n).toBe(true);
      const failed = firstAnswers.filter((a) => a.mulaidFailure === 'INSUFFICIENT_BALANCE');
      expect(failed.length).toBeGreaterThan(0); // it did run out part-way
      expect(firstAnswers.length - failed.length).toBeGreaterThan(0);
      // All or nothing: a bill was paid whole by mutual aid, or not at all.
      for (const bill of bills) {
        const answer = bySerial.get(bill.serialNo)![0]!;
        const outcome = answer.acctMulaidPay === bill.amountFen ? 'paid' : answer.acctMulaidPay === 0 && answer.cashPay === bill.amountFen ? 'refused' : 'partial';
        expect({ serial: bill.serialNo, outcome }).not.toEqual({ serial: bill.serialNo, outcome: 'partial' });
      }

      // Replay in the order of the database: each payment was covered by the balance at that
      // moment, and each INSUFFICIENT_BALANCE happened when the balance could not cover it.
      expect(rows.every((r) => r.seq !== null)).toBe(true);
      let running = BigInt(opening);
      for (const row of rows) {
        if (row.mulaid_failure === 'INSUFFICIENT_BALANCE') {
          expect({ serial: row.serial_no, covered: running >= row.amount_fen }).toEqual({ serial: row.serial_no, covered: false });
          expect(row.mulaid_pay_fen).toBe(0n);
        } else {
          expect(row.mulaid_failure).toBeNull();
          expect(row.sharer_id).toBe(sharerId);
          expect(row.mulaid_pay_fen).toBe(row.amount_fen);
          expect(running >= row.amount_fen).toBe(true);
          running -= row.amount_fen;
          expect(row.balance_after_fen).toBe(running);
        }
      }
      expect(running).toBe(balance);
      expect(await ledgerMismatches(h().app)).toEqual([]);
    },
    60_000,
  );

  it.skipIf(skip)(
    'three sharers for the same relatives: at every payment the largest balance paid (ties: the earliest binding), and failures only when none could cover',
    async () => {
      // Equal openings and round amounts: many decisions fall between equal balances.
      const opening = 100_000n;
      const sharers = [await sharer(100_000), await sharer(100_000), await sharer(100_000)];
      const family = await relatives(6);
      // For every relative: bound to sharer 0, then 1, then 2.
      const bindingRank = new Map<string, number>();
      for (const relative of family) {
        for (const [rank, s] of sharers.entries()) {
          await h().bind(s.user, relative, 'child');
          bindingRank.set(s.id, rank);
        }
      }
      const inst = await h().institution();
      const random = seededRandom(7);
      const bills = Array.from({ length: 220 }, (_, i) => ({
        serialNo: `C2-${String(i).padStart(4, '0')}`,
        patient: family[i % family.length]!,
        amountFen: 1_000 * (1 + Math.floor(random() * 4)),
      }));
      const deliveries = shuffle(
        bills.flatMap((bill, i) => Array.from({ length: i % 7 === 0 ? 2 : 1 }, () => bill)),
        random,
      );
      const answers = await fire(
        'three sharers, 6 relatives',
        deliveries.map((bill) => () =>
          h().call<SettleData>('settle', { serialNo: bill.serialNo, patientIdNumber: bill.patient.idNumber, kind: 'outpatient', amountFen: bill.amountFen }, inst.key),
        ),
        bills.length,
      );
      expect(answers.every((a) => a.ok)).toBe(true);

      const rows = await settlementsInOrder(inst.code);
      expect(rows.length).toBe(bills.length);
      const balances = new Map<string, bigint>(sharers.map((s) => [s.id, opening]));
      let payments = 0;
      let failures = 0;
      let ties = 0;
      for (const row of rows) {
        const ranked = [...balances.entries()].sort(([a, x], [b, y]) => (x === y ? bindingRank.get(a)! - bindingRank.get(b)! : x > y ? -1 : 1));
        const [bestId, best] = ranked[0]!;
        if (ranked[1]![1] === best) ties += 1;
        if (best >= row.amount_fen) {
          expect({ serial: row.serial_no, payer: row.sharer_id }).toEqual({ serial: row.serial_no, payer: bestId });
          expect(row.mulaid_pay_fen).toBe(row.amount_fen);
          balances.set(bestId, best - row.amount_fen);
          expect(row.balance_after_fen).toBe(best - row.amount_fen);
          payments += 1;
        } else {
          expect({ serial: row.serial_no, failure: row.mulaid_failure, payer: row.sharer_id }).toEqual({
            serial: row.serial_no,
            failure: 'INSUFFICIENT_BALANCE',
            payer: null,
          });
          failures += 1;
        }
      }
      expect(payments).toBeGreaterThan(0);
      expect(failures).toBeGreaterThan(0);
      expect(ties).toBeGreaterThan(10);
      console.log(`[concurrency] three sharers: ${payments} payments, ${failures} refusals, ${ties} decisions between equal balances`);
      for (const s of sharers) expect(await h().balance(s.person)).toBe(balances.get(s.id));
      expect(await ledgerMismatches(h().app)).toEqual([]);
    },
    60_000,
  );

  it.skipIf(skip)('one serial delivered at once with two different bodies: one body wins everywhere, the other is IDEMPOTENCY_CONFLICT', async () => {
    const { person: sharerPerson, user } = await sharer(100_000);
    const [patient] = await relatives(1);
    await h().bind(user, patient!, 'child');
    const inst = await h().institution();
    const bodies = { A: 4_000, B: 6_000 } as const;
    const deliveries = shuffle(
      (['A', 'B'] as const).flatMap((body) => Array.from({ length: 8 }, () => body)),
      seededRandom(5),
    );
    const answers = await fire(
      'one serial, two bodies',
      deliveries.map((body) => () =>
        h().call<SettleData>('settle', { serialNo: 'C5-SAME', patientIdNumber: patient!.idNumber, kind: 'pharmacy', amountFen: bodies[body] }, inst.key),
      ),
      1,
    );
    const outcome = (body: 'A' | 'B') =>
      [...new Set(answers.filter((_, i) => deliveries[i] === body).map((a) => (a.ok ? `paid ${a.data.acctMulaidPay}` : a.error.code)))];
    const [a, b] = [outcome('A'), outcome('B')];
    expect([a, b]).toContainEqual(['IDEMPOTENCY_CONFLICT']);
    const winner = a[0] === 'IDEMPOTENCY_CONFLICT' ? 'B' : 'A';
    expect(winner === 'A' ? a : b).toEqual([`paid ${bodies[winner]}`]);
    const ok = answers.filter((x): x is { ok: true; data: SettleData } => x.ok);
    for (const answer of ok) expect(answer).toEqual(ok[0]);
    expect(await h().balance(sharerPerson)).toBe(BigInt(100_000 - bodies[winner]));
    const rows = await h().app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM settlements WHERE institution_code = $1', [inst.code]);
    expect(rows[0]?.n).toBe(1n);
  });

  it.skipIf(skip)('twenty partial refunds of one bill at once never return more than the accounts paid, mutual aid first', async () => {
    const patient = await h().employee(3_000, { birthDate: '2001-01-01', poolingRegion: REGION });
    const { person: sharerPerson, user } = await sharer(50_000);
    await h().bind(user, patient, 'child');
    const inst = await h().institution();
    const bill = await h().ok<SettleData>('settle', { serialNo: 'C3-BILL', patientIdNumber: patient.idNumber, kind: 'inpatient', amountFen: 10_000 }, inst.key);
    expect(bill).toMatchObject({ selfAcctPay: 3_000, acctMulaidPay: 7_000, cashPay: 0 });

    // 20 refunds of 700 (14,000 > 10,000 paid); every fourth refund serial delivered twice.
    const deliveries = Array.from({ length: 20 }, (_, i) => `C3-RF-${i}`).flatMap((serial, i) => (i % 4 === 0 ? [serial, serial] : [serial]));
    const answers = await fire(
      'refunds of one bill',
      deliveries.map((refundSerialNo) => () => h().call<RefundData>('refund', { serialNo: 'C3-BILL', refundSerialNo, amountFen: 700 }, inst.key)),
      20,
    );
    const bySerial = new Map<string, Envelope<RefundData>[]>();
    answers.forEach((answer, i) => bySerial.set(deliveries[i]!, [...(bySerial.get(deliveries[i]!) ?? []), answer]));
    for (const same of bySerial.values()) for (const answer of same) expect(answer).toEqual(same[0]);
    const first = [...bySerial.values()].map((same) => same[0]!);
    const done = first.filter((a): a is { ok: true; data: RefundData } => a.ok);
    const refused = first.filter((a) => !a.ok);
    expect(done.length).toBe(14); // 14 × 700 = 9,800 ≤ 10,000 < 15 × 700
    expect(refused.every((a) => !a.ok && a.error.code === 'REFUND_EXCEEDS_PAID')).toBe(true);
    const toMulaid = done.reduce((sum, a) => sum + a.data.toMulaid, 0);
    const toSelf = done.reduce((sum, a) => sum + a.data.toSelf, 0);
    expect({ toMulaid, toSelf }).toEqual({ toMulaid: 7_000, toSelf: 2_800 });
    expect(await h().balance(sharerPerson)).toBe(50_000n);
    expect(await h().balance(patient)).toBe(2_800n);

    // In the order they happened, no part went to the own account while mutual aid was still owed.
    const ordered = await h().app.db.query<{ to_mulaid_fen: bigint; to_self_fen: bigint }>(
      'SELECT to_mulaid_fen, to_self_fen FROM refunds WHERE settlement_id = $1 ORDER BY created_at',
      [bill.settlementId],
    );
    let mulaidLeft = 7_000n;
    for (const r of ordered) {
      if (r.to_self_fen > 0n) expect(mulaidLeft - r.to_mulaid_fen).toBe(0n);
      mulaidLeft -= r.to_mulaid_fen;
    }
    const [row] = await h().app.db.query<{ self_refunded_fen: bigint; mulaid_refunded_fen: bigint }>(
      'SELECT self_refunded_fen, mulaid_refunded_fen FROM settlements WHERE settlement_id = $1',
      [bill.settlementId],
    );
    expect(row).toEqual({ self_refunded_fen: 2_800n, mulaid_refunded_fen: 7_000n });
    expect(await ledgerMismatches(h().app)).toEqual([]);
  });

  it.skipIf(skip)('settlements and refunds on the same accounts at once neither deadlock nor lose money', async () => {
    const { person: sharerPerson, user } = await sharer(400_000);
    const family = await relatives(5);
    for (const relative of family) await h().bind(user, relative, 'child');
    const inst = await h().institution();
    // 60 earlier bills of 1,000, then 120 new bills of 1,500 and the full refund of every earlier bill, all at once.
    for (let i = 0; i < 60; i += 1) {
      await h().ok('settle', { serialNo: `C4-OLD-${i}`, patientIdNumber: family[i % 5]!.idNumber, kind: 'pharmacy', amountFen: 1_000 }, inst.key);
    }
    expect(await h().balance(sharerPerson)).toBe(340_000n);
    const calls: Array<() => Promise<Envelope<unknown>>> = [
      ...Array.from({ length: 120 }, (_, i) => () =>
        h().call('settle', { serialNo: `C4-NEW-${i}`, patientIdNumber: family[i % 5]!.idNumber, kind: 'outpatient', amountFen: 1_500 }, inst.key),
      ),
      ...Array.from({ length: 60 }, (_, i) => () => h().call('refund', { serialNo: `C4-OLD-${i}`, refundSerialNo: `C4-RF-${i}`, amountFen: 1_000 }, inst.key)),
    ];
    const answers = await fire('settlements and refunds mixed', shuffle(calls, seededRandom(99)), calls.length);
    expect(answers.filter((a) => !a.ok)).toEqual([]);
    expect(await h().balance(sharerPerson)).toBe(BigInt(400_000 - 120 * 1_500));
    expect(await ledgerMismatches(h().app)).toEqual([]);
  });
});
