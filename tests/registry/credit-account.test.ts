import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/adapters';
import { ledgerMismatches } from '../support/harness';
import { CJK, personId, updatePerson, useHarness, type SettleData } from '../backbone/fixtures';

describe.each(ADAPTERS)('registry money on %s', (adapter) => {
  const { skip, h: harness } = useHarness(adapter);

  async function entries(id: string) {
    const h = harness();
    return h.app.db.query<{ kind: string; delta_fen: bigint; balance_after_fen: bigint }>(
      'SELECT kind, delta_fen, balance_after_fen FROM ledger_entries WHERE person_id = $1 ORDER BY created_at, balance_after_fen',
      [id],
    );
  }

  it.skipIf(skip)('a replayed registry sync after a payment leaves the balance as the payment left it', async () => {
    const h = harness();
    const inst = await h.institution();
    const patient = await h.employee(10_000);
    const row = { idNumber: patient.idNumber, name: patient.name, insuranceType: 'employee', status: 'active', poolingRegion: patient.poolingRegion, balanceFen: 10_000 };
    h.clock.advance(1);
    const paid = await h.ok<SettleData>('settle', { serialNo: 'REPLAY-1', patientIdNumber: patient.idNumber, kind: 'pharmacy', amountFen: 3_000 }, inst.key);
    expect(paid.selfAcctPay).toBe(3_000);
    expect(await h.balance(patient)).toBe(7_000n);
    // The same sync again (a replay, or a late batch of the morning's file): nothing moves.
    await h.ok('upsertPersons', { persons: [row] }, h.adminKey);
    await h.ok('upsertPersons', { persons: [{ ...row, balanceFen: 0 }] }, h.adminKey);
    expect(await h.balance(patient)).toBe(7_000n);
    expect((await entries(await personId(h, patient))).map((e) => e.kind)).toEqual(['opening', 'self_pay']);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it.skipIf(skip)('balanceFen opens an account that has none: a resident who becomes an employee gets the opening balance', async () => {
    const h = harness();
    const person = await h.person({ insuranceType: 'resident' });
    expect(await h.balance(person)).toBeNull();
    await updatePerson(h, person, { insuranceType: 'employee', balanceFen: 4_200 });
    expect(await h.balance(person)).toBe(4_200n);
    expect(await entries(await personId(h, person))).toEqual([{ kind: 'opening', delta_fen: 4_200n, balance_after_fen: 4_200n }]);
  });

  it.skipIf(skip)('a contribution adds one credit entry; the same creditId again answers the first answer and moves nothing', async () => {
    const h = harness();
    const person = await h.employee(1_000);
    const event = { creditId: 'C-2026-0001', idNumber: person.idNumber, amountFen: 2_500, kind: 'contribution' };
    expect(await h.ok('creditAccount', event, h.adminKey)).toEqual({ balanceFen: 3_500 });
    expect(await h.ok('creditAccount', event, h.adminKey)).toEqual({ balanceFen: 3_500 });
    // The answer of a replay is the first one even after the balance moved on.
    await h.ok('creditAccount', { ...event, creditId: 'C-2026-0002', amountFen: 100 }, h.adminKey);
    expect(await h.ok('creditAccount', event, h.adminKey)).toEqual({ balanceFen: 3_500 });
    expect(await h.balance(person)).toBe(3_600n);
    expect(await entries(await personId(h, person))).toEqual([
      { kind: 'opening', delta_fen: 1_000n, balance_after_fen: 1_000n },
      { kind: 'credit', delta_fen: 2_500n, balance_after_fen: 3_500n },
      { kind: 'credit', delta_fen: 100n, balance_after_fen: 3_600n },
    ]);
  });

  it.skipIf(skip).each([
    { what: 'another amount', change: { amountFen: 2_501 } },
    { what: 'another kind', change: { kind: 'correction' } },
    { what: 'another person', change: 'other' as const },
  ])('the same creditId with $what is IDEMPOTENCY_CONFLICT and moves nothing', async ({ change }) => {
    const h = harness();
    const person = await h.employee(9_000);
    const other = await h.employee(9_000);
    const creditId = `C-CONFLICT-${person.idNumber}`;
    const event = { creditId, idNumber: person.idNumber, amountFen: 2_500, kind: 'contribution' };
    await h.ok('creditAccount', event, h.adminKey);
    const second = change === 'other' ? { ...event, idNumber: other.idNumber } : { ...event, ...change };
    const error = await h.err('creditAccount', second, h.adminKey);
    expect(error).toMatchObject({ code: 'IDEMPOTENCY_CONFLICT', field: 'creditId' });
    expect(error.message).toMatch(CJK);
    expect(await h.balance(person)).toBe(11_500n);
    expect(await h.balance(other)).toBe(9_000n);
  });

  it.skipIf(skip)('a correction takes money out, down to zero but never below; a refused one moves nothing and can be sent again', async () => {
    const h = harness();
    const person = await h.employee(5_000);
    const id = await personId(h, person);
    h.clock.advance(1);
    expect(await h.ok('creditAccount', { creditId: 'K-1', idNumber: person.idNumber, amountFen: 1_500, kind: 'correction' }, h.adminKey)).toEqual({
      balanceFen: 3_500,
    });
    const refused = await h.err('creditAccount', { creditId: 'K-2', idNumber: person.idNumber, amountFen: 3_501, kind: 'correction' }, h.adminKey);
    expect(refused).toMatchObject({ code: 'INVALID_INPUT', field: 'amountFen' });
    expect(refused.message).toMatch(CJK);
    expect(await h.balance(person)).toBe(3_500n);
    // Nothing was kept of the refused call: K-2 with a body that fits is a first call.
    h.clock.advance(1);
    expect(await h.ok('creditAccount', { creditId: 'K-2', idNumber: person.idNumber, amountFen: 3_500, kind: 'correction' }, h.adminKey)).toEqual({
      balanceFen: 0,
    });
    expect(await entries(id)).toEqual([
      { kind: 'opening', delta_fen: 5_000n, balance_after_fen: 5_000n },
      { kind: 'correction', delta_fen: -1_500n, balance_after_fen: 3_500n },
      { kind: 'correction', delta_fen: -3_500n, balance_after_fen: 0n },
    ]);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it.skipIf(skip)('an unknown person or one without an account is NOT_FOUND on idNumber, and nothing is kept', async () => {
    const h = harness();
    const resident = await h.person({ insuranceType: 'resident' });
    const { makeIdNumber } = await import('../../server/demo/idNumbers');
    const stranger = makeIdNumber('130100', '1970-01-01', 901);
    for (const idNumber of [stranger, resident.idNumber]) {
      const error = await h.err('creditAccount', { creditId: `N-${idNumber}`, idNumber, amountFen: 100, kind: 'contribution' }, h.adminKey);
      expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'idNumber' });
      expect(error.message).toMatch(CJK);
    }
    const kept = await h.app.db.query('SELECT credit_id FROM account_credits WHERE credit_id LIKE $1', ['N-%']);
    expect(kept).toEqual([]);
    expect(await h.balance(resident)).toBeNull();
  });

  it.skipIf(skip)('eight deliveries of one creditId at once move the money once and all answer the same', async () => {
    const h = harness();
    const person = await h.employee(0);
    const event = { creditId: 'C-RACE', idNumber: person.idNumber, amountFen: 777, kind: 'contribution' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.call('creditAccount', event, h.adminKey)));
    expect(answers).toEqual(Array.from({ length: 8 }, () => ({ ok: true, data: { balanceFen: 777 } })));
    expect(await h.balance(person)).toBe(777n);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it.skipIf(skip)('creditAccount needs the operator key', async () => {
    const h = harness();
    const person = await h.employee(100);
    const user = await h.user(person);
    const event = { creditId: 'C-AUTH', idNumber: person.idNumber, amountFen: 100, kind: 'contribution' };
    expect((await h.err('creditAccount', event)).code).toBe('UNAUTHENTICATED');
    expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain((await h.err('creditAccount', event, user.token)).code);
    expect(await h.balance(person)).toBe(100n);
  });
});
