import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SQLSTATE } from '../../server/db/port';
import { debitIfCovered } from '../../server/store/ledger';
import { ADAPTERS } from '../support/adapters';
import { ledgerMismatches, type Harness, type TestPerson, type TestUser } from '../support/harness';
import { personId, seededRandom, updatePerson, useHarness, type RefundData, type SettleData } from './fixtures';

const KINDS = ['outpatient', 'inpatient', 'pharmacy'] as const;

interface Account {
  person: TestPerson;
  id: string;
  hasAccount: boolean;
  /** What the test expects the balance to be, from the answers it got. */
  expected: bigint;
}

interface Paid {
  serialNo: string;
  patient: Account;
  kind: (typeof KINDS)[number];
  amountFen: number;
  answer: SettleData;
  sharerId: string | null;
  refundable: bigint;
}

describe.each(ADAPTERS)('ledger on %s', (adapter) => {
  const { skip, h: harness } = useHarness(adapter);

  async function balances(h: Harness): Promise<Map<string, bigint>> {
    const rows = await h.app.db.query<{ person_id: string; balance_fen: bigint }>('SELECT person_id, balance_fen FROM accounts');
    return new Map(rows.map((row) => [row.person_id, row.balance_fen]));
  }

  it.skipIf(skip)(
    'after a random sequence of settlements, refunds and top-ups every balance equals the sum of its ledger entries and is never negative',
    async () => {
      const h = harness();
      const random = seededRandom(20_240_917);
      const pick = <T>(items: readonly T[]): T => {
        const item = items[Math.floor(random() * items.length)];
        if (item === undefined) throw new Error('empty list');
        return item;
      };
      const inst = await h.institution();

      const account = async (person: TestPerson, opening: number | null): Promise<Account> => ({
        person,
        id: await personId(h, person),
        hasAccount: opening !== null,
        expected: BigInt(opening ?? 0),
      });
      // Two sharers with equal balances, so that ties (earliest binding) happen too.
      const sharers: Array<Account & { user: TestUser }> = [];
      for (const opening of [40_000, 25_000, 25_000, 8_000]) {
        const person = await h.employee(opening, { birthDate: '1960-06-06' });
        sharers.push({ ...(await account(person, opening)), user: await h.user(person) });
      }
      // Patients: two employees with small accounts of their own, three residents without.
      const patients: Account[] = [];
      for (const own of [3_000, 500]) patients.push(await account(await h.employee(own, { birthDate: '1992-02-02' }), own));
      for (let i = 0; i < 3; i += 1) patients.push(await account(await h.person({ birthDate: '2003-03-03' }), null));
      // Each patient bound to two or three sharers, in a known order (a minute apart).
      const bindingOrder = new Map<string, Account[]>();
      for (const [index, patient] of patients.entries()) {
        const count = index % 2 === 0 ? 3 : 2;
        const order = Array.from({ length: count }, (_, k) => sharers[(index + k) % sharers.length]!);
        for (const sharer of order) {
          h.clock.advance(60);
          await h.bind(sharer.user, patient.person, 'child');
        }
        bindingOrder.set(patient.id, order);
      }
      const accounts = new Map<string, Account>([...sharers, ...patients].map((a) => [a.id, a]));

      const paid: Paid[] = [];
      let serial = 0;
      const counts = { settle: 0, refund: 0, refused: 0, topUp: 0, replay: 0 };
      for (let step = 0; step < 160; step += 1) {
        h.clock.advance(1);
        const roll = random();
        if (roll < 0.5 || paid.length === 0) {
          // Settle: predict the answer from the expected balances (SPEC 2.2).
          const patient = pick(patients);
          const amountFen = 1 + Math.floor(random() * 15_000);
          const kind = pick(KINDS);
          const serialNo = `L-${++serial}`;
          const answer = await h.ok<SettleData>('settle', { serialNo, patientIdNumber: patient.person.idNumber, kind, amountFen }, inst.key);
          const own = patient.hasAccount ? patient.expected : 0n;
          const selfPay = own < BigInt(amountFen) ? own : BigInt(amountFen);
          const remainder = BigInt(amountFen) - selfPay;
          // The largest balance; on a tie the earlier binding (strictly greater to replace it).
          let best: Account | undefined;
          for (const candidate of bindingOrder.get(patient.id) ?? []) if (!best || candidate.expected > best.expected) best = candidate;
          const mulaid = remainder > 0n && best && best.expected >= remainder ? remainder : 0n;
          expect(answer).toMatchObject({
            selfAcctPay: Number(selfPay),
            acctMulaidPay: Number(mulaid),
            cashPay: Number(BigInt(amountFen) - selfPay - mulaid),
            mulaidFailure: remainder === 0n ? null : mulaid > 0n ? null : 'INSUFFICIENT_BALANCE',
          });
          const rows = await h.app.db.query<{ sharer_id: string | null }>('SELECT sharer_id FROM settlements WHERE settlement_id = $1', [
            answer.settlementId,
          ]);
          const sharerId = rows[0]?.sharer_id ?? null;
          if (mulaid > 0n) expect(sharerId).toBe(best?.id);
          patient.expected -= selfPay;
          if (sharerId) accounts.get(sharerId)!.expected -= mulaid;
          paid.push({ serialNo, patient, kind, amountFen, answer, sharerId, refundable: selfPay + mulaid });
          counts.settle += 1;
        } else if (roll < 0.75) {
          // Refund part of an earlier bill; now and then more than is left, which is refused.
          const bill = pick(paid);
          const over = random() < 0.2;
          const amountFen = over ? Number(bill.refundable) + 1 + Math.floor(random() * 100) : 1 + Math.floor(random() * Math.max(1, Number(bill.refundable)));
          const envelope = await h.call<RefundData>('refund', { serialNo: bill.serialNo, refundSerialNo: `LR-${++serial}`, amountFen }, inst.key);
          if (over || bill.refundable === 0n) {
            expect(envelope).toMatchObject({ ok: false, error: { code: 'REFUND_EXCEEDS_PAID' } });
            counts.refused += 1;
          } else {
            expect(envelope.ok).toBe(true);
            if (!envelope.ok) continue;
            const { toMulaid, toSelf } = envelope.data;
            expect(toMulaid + toSelf).toBe(amountFen);
            if (toMulaid > 0) accounts.get(bill.sharerId ?? '')!.expected += BigInt(toMulaid);
            bill.patient.expected += BigInt(toSelf);
            bill.refundable -= BigInt(amountFen);
            counts.refund += 1;
          }
        } else if (roll < 0.9) {
          // The operator moves an employee's balance (creditAccount): up (credit) or down (correction).
          const target = pick([...sharers, patients[0]!, patients[1]!]);
          const correction = random() < 0.4 && target.expected > 0n;
          const amountFen = correction ? 1 + Math.floor(random() * Number(target.expected)) : 1 + Math.floor(random() * 30_000);
          const kind = correction ? 'correction' : 'contribution';
          await h.ok('creditAccount', { creditId: `LC-${++serial}`, idNumber: target.person.idNumber, amountFen, kind }, h.adminKey);
          target.expected += correction ? -BigInt(amountFen) : BigInt(amountFen);
          counts.topUp += 1;
        } else {
          // A duplicate delivery of an earlier bill: the first answer, no money.
          const bill = pick(paid);
          const again = await h.ok<SettleData>(
            'settle',
            { serialNo: bill.serialNo, patientIdNumber: bill.patient.person.idNumber, kind: bill.kind, amountFen: bill.amountFen },
            inst.key,
          );
          expect(again).toEqual(bill.answer);
          counts.replay += 1;
        }
        if (step % 20 === 19) expect(await ledgerMismatches(h.app)).toEqual([]);
      }

      expect(await ledgerMismatches(h.app)).toEqual([]);
      const actual = await balances(h);
      for (const a of accounts.values()) {
        expect({ who: a.person.name, balance: actual.get(a.id) }).toEqual({ who: a.person.name, balance: a.hasAccount ? a.expected : undefined });
      }
      // The sequence really exercised every kind of movement.
      const kinds = await h.app.db.query<{ kind: string }>('SELECT DISTINCT kind FROM ledger_entries ORDER BY kind');
      expect(kinds.map((k) => k.kind)).toEqual(['correction', 'credit', 'mulaid_pay', 'opening', 'refund', 'self_pay']);
      expect(Math.min(counts.settle, counts.refund, counts.refused, counts.topUp, counts.replay)).toBeGreaterThan(0);
      // Each entry's balance_after is the running sum of its account's entries up to it (every
      // step moves the clock, and no step moves one account twice).
      const entries = await h.app.db.query<{ person_id: string; delta_fen: bigint; balance_after_fen: bigint }>(
        'SELECT person_id, delta_fen, balance_after_fen FROM ledger_entries ORDER BY person_id, created_at',
      );
      const running = new Map<string, bigint>();
      for (const entry of entries) {
        const sum = (running.get(entry.person_id) ?? 0n) + entry.delta_fen;
        running.set(entry.person_id, sum);
        expect(entry.balance_after_fen).toBe(sum);
        expect(sum >= 0n).toBe(true);
      }
    },
    // Some 150 calls: on a loaded machine they take longer than the default 30 s.
    180_000,
  );

  it.skipIf(skip)('the database refuses a negative balance written directly (CHECK, SQLSTATE 23514)', async () => {
    const h = harness();
    const person = await h.employee(1_000);
    const id = await personId(h, person);
    await expect(h.app.db.query('UPDATE accounts SET balance_fen = -1 WHERE person_id = $1', [id])).rejects.toMatchObject({
      code: SQLSTATE.checkViolation,
    });
    await expect(h.app.db.query('UPDATE accounts SET balance_fen = balance_fen - 1001 WHERE person_id = $1', [id])).rejects.toMatchObject({
      code: '23514',
    });
    expect(await h.balance(person)).toBe(1_000n);
  });

  it.skipIf(skip).each([
    { what: 'a negative balance after the entry', kind: 'credit', delta: 5, after: -1 },
    { what: 'a payment with a positive delta', kind: 'mulaid_pay', delta: 5, after: 5 },
    { what: 'a credit with a negative delta', kind: 'credit', delta: -5, after: 5 },
    { what: 'a zero movement', kind: 'opening', delta: 0, after: 5 },
  ])('the database refuses a ledger entry with $what (CHECK, SQLSTATE 23514)', async ({ kind, delta, after }) => {
    const h = harness();
    const person = await h.employee(1_000);
    const id = await personId(h, person);
    await expect(
      h.app.db.query(
        `INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, settlement_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [randomUUID(), id, kind, delta, after, kind === 'mulaid_pay' ? randomUUID() : null, h.clock.now()],
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it.skipIf(skip)('a debit larger than the balance is refused in the same statement and moves nothing', async () => {
    const h = harness();
    const person = await h.employee(1_000);
    const id = await personId(h, person);
    const before = await h.app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger_entries WHERE person_id = $1', [id]);
    expect(
      await h.app.db.transaction((tx) =>
        debitIfCovered(tx, { personId: id, amount: 1_001n, kind: 'correction', entryId: randomUUID(), at: h.clock.now() }),
      ),
    ).toBeNull();
    expect(await h.balance(person)).toBe(1_000n);
    const after = await h.app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM ledger_entries WHERE person_id = $1', [id]);
    expect(after).toEqual(before);
    // The exact balance can be taken, to zero.
    expect(
      await h.app.db.transaction((tx) =>
        debitIfCovered(tx, { personId: id, amount: 1_000n, kind: 'correction', entryId: randomUUID(), at: h.clock.now() }),
      ),
    ).toBe(0n);
    expect(await h.balance(person)).toBe(0n);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it.skipIf(skip)('the registry sync opens an account once; later balances in the sync are ignored, never written over the balance', async () => {
    const h = harness();
    const person = await h.employee(5_000);
    const id = await personId(h, person);
    await updatePerson(h, person, { balanceFen: 7_500 });
    await updatePerson(h, person, { balanceFen: 2_000 });
    await updatePerson(h, person, {}); // no balanceFen: the balance stays
    const entries = await h.app.db.query<{ kind: string; delta_fen: bigint; balance_after_fen: bigint }>(
      'SELECT kind, delta_fen, balance_after_fen FROM ledger_entries WHERE person_id = $1 ORDER BY balance_after_fen DESC',
      [id],
    );
    expect(entries).toEqual([{ kind: 'opening', delta_fen: 5_000n, balance_after_fen: 5_000n }]);
    expect(await h.balance(person)).toBe(5_000n);
  });
});
