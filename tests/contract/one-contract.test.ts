import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { FUNCTIONS, type Data, type EventIn, type Fen, type FunctionName, type Instant, type Served } from '../../server/contract';
import { CLOUDFUNCTIONS_DIR, loadCloudFunctions } from '../../server/gateway/functions';
import type { listRecords } from '../../server/usecases/records';
import type { settle } from '../../server/usecases/settle';
import type { DataOf, EventOf, FunctionName as AppFunctionName } from '../../src/services/cloud/types';

/**
 * Issue 10, point 6: the contract exists once (server/contract). Each cloud function takes its
 * caller kind and its event schema from it, and each function of the contract has its folder;
 * the app's and the server's types are the contract's (checked by `npm run typecheck`, which
 * compiles the expectTypeOf lines below).
 */

/** SPEC v2 functions whose folders other branches add; the coordinator empties this list on merge. */
const NOT_YET_WIRED: readonly FunctionName[] = [];

const FOLDERS = readdirSync(CLOUDFUNCTIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const NAMES = Object.keys(FUNCTIONS).sort() as FunctionName[];

describe('one contract for the cloud functions, the app and the tests', () => {
  it('has an entry for every cloud function folder, and a folder for every function it names', () => {
    expect(FOLDERS.filter((name) => !(name in FUNCTIONS))).toEqual([]);
    expect(NAMES.filter((name) => !FOLDERS.includes(name) && !NOT_YET_WIRED.includes(name))).toEqual([]);
  });

  it('is where every cloud function takes its event from: no folder declares a schema of its own', () => {
    for (const name of FOLDERS) {
      const source = readFileSync(path.join(CLOUDFUNCTIONS_DIR, name, 'index.ts'), 'utf8');
      expect(source, name).toContain(`...FUNCTIONS.${name},`);
      expect(source, name).not.toMatch(/from 'zod'|\bz\.|runtime\/fields/);
    }
  });

  it('gives every loaded cloud function the caller kind the contract names', async () => {
    const mains = await loadCloudFunctions();
    for (const [name, main] of mains) expect(main.auth, name).toBe(FUNCTIONS[name as FunctionName].auth);
  });

  it('carries SPEC v2 events: bindRelative.quotaFen from 1 fen, setQuota, payPremium, clearingStatement, creditAccount', () => {
    const relative = { name: '李娜', idNumber: '130102199001012424', relationship: 'spouse', acceptUndertaking: true };
    const bindingId = '0b7f8f6e-3c1a-4d2b-9e4f-5a6b7c8d9e0f';
    expect(FUNCTIONS.bindRelative.event.safeParse({ ...relative, quotaFen: 1 }).success).toBe(true);
    expect(FUNCTIONS.bindRelative.event.safeParse({ ...relative, quotaFen: 0 }).success).toBe(false);
    expect(FUNCTIONS.bindRelative.event.safeParse({ ...relative, quotaFen: 1.5 }).success).toBe(false);
    expect(FUNCTIONS.setQuota.event.safeParse({ bindingId, amountFen: 0 }).success).toBe(true);
    expect(FUNCTIONS.setQuota.event.safeParse({ bindingId, amountFen: -1 }).success).toBe(false);
    expect(FUNCTIONS.payPremium.event.safeParse({ bindingId, year: 2026 }).success).toBe(true);
    expect(FUNCTIONS.payPremium.event.safeParse({ bindingId, year: '2026' }).success).toBe(false);
    expect(FUNCTIONS.clearingStatement.event.safeParse({ month: '2026-01' }).success).toBe(true);
    for (const month of ['2026-13', '2026-1', '202601', '2026-00']) expect(FUNCTIONS.clearingStatement.event.safeParse({ month }).success, month).toBe(false);
    const credit = { creditId: 'C-2026-0001', idNumber: '130102199001012424', amountFen: 100, kind: 'contribution' };
    expect(FUNCTIONS.creditAccount.event.safeParse(credit).success).toBe(true);
    expect(FUNCTIONS.creditAccount.event.safeParse({ ...credit, kind: 'gift' }).success).toBe(false);
    expect(FUNCTIONS.setQuota.auth).toBe('user');
    expect(FUNCTIONS.creditAccount.auth).toBe('admin');
    expect(FUNCTIONS.clearingStatement.auth).toBe('admin');
  });

  it('types the app and the server from the same map', () => {
    // The app's calls are the contract's: events as the schemas take them, answers as the use cases give them.
    expectTypeOf<DataOf<'listMembers'>>().toEqualTypeOf<Data<'listMembers'>>();
    expectTypeOf<EventOf<'listRecords'>>().toEqualTypeOf<EventIn<'listRecords'>>();
    expectTypeOf<EventOf<'bindRelative'>['acceptUndertaking']>().toEqualTypeOf<true>();
    expectTypeOf<'setQuota' | 'payPremium'>().toExtend<AppFunctionName>();
    expectTypeOf<'settle'>().not.toExtend<AppFunctionName>();
    // The SPEC v2 answers.
    expectTypeOf<Data<'settle'>['mulaidSource']>().toEqualTypeOf<'balance' | 'quota' | null | undefined>();
    expectTypeOf<Data<'me'>['person']>().toExtend<{ freeBalanceFen?: Fen } | undefined>();
    expectTypeOf<Data<'setQuota'>['binding']>().toExtend<{ quotaFen?: Fen; quotaLeftFen?: Fen }>();
    // What a use case may return: amounts as bigint, instants as Date, everything else exactly.
    expectTypeOf<Served<{ a: Fen; n: number; at: Instant; s: string }>>().toEqualTypeOf<{
      a: number | bigint;
      n: number;
      at: string | Date;
      s: string;
    }>();
    expectTypeOf<Awaited<ReturnType<typeof settle>>>().toEqualTypeOf<Served<Data<'settle'>>>();
    expectTypeOf<Awaited<ReturnType<typeof listRecords>>>().toEqualTypeOf<Served<Data<'listRecords'>>>();
    expect(NAMES.length).toBeGreaterThan(FOLDERS.length - 1);
  });
});
