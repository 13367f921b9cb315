import { describe, expect, it } from 'vitest';
import { Harness, ledgerMismatches } from '../support/harness';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';

describe.each(ADAPTERS)('settlement smoke on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);
  it.skipIf(skip)('pays from the sharer with the largest balance', async () => {
    const h = await Harness.create(getDb());
    const a = await h.employee(10_000);
    const b = await h.employee(50_000);
    const child = await h.person({ birthDate: '2010-01-01' });
    const ua = await h.user(a);
    const ub = await h.user(b);
    await h.bind(ua, child, 'child');
    await h.bind(ub, child, 'child');
    const inst = await h.institution();
    const answer = await h.ok('settle', { serialNo: 'S1', patientIdNumber: child.idNumber, kind: 'outpatient', amountFen: 3000 }, inst.key);
    expect(answer).toMatchObject({ selfAcctPay: 0, acctMulaidPay: 3000, acctPay: 3000, cashPay: 0, mulaidFailure: null });
    expect(await h.balance(b)).toBe(47_000n);
    expect(await h.balance(a)).toBe(10_000n);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });
});
