import { beforeAll, describe, expect, it } from 'vitest';
import type { PersonInput } from '../../server/usecases/admin';
import type { Relationship } from '../../src/rules/relationship';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness, type TestPerson, type TestUser } from '../support/harness';

/** SPEC 2.3 and listRecords of SPEC 3.2: who sees which mutual-aid payments, by cursor, with totals. */

const FULL_ID_NUMBER = /\d{17}[\dX]/;
const MASKED_ID_NUMBER = /^\d{4}\*{10}[\dX]{4}$/;
const masked = (idNumber: string) => `${idNumber.slice(0, 4)}**********${idNumber.slice(14)}`;

interface RecordJson {
  recordId: string;
  settlementId: string;
  paidAt: string;
  kind: string;
  institutionName: string;
  amountFen: number;
  refundedFen: number;
  bindingId: string;
  relationship: string;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string };
}
interface Page {
  items: RecordJson[];
  nextCursor: string | null;
  totalFen: number;
}

describe.each(ADAPTERS)('records on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const test = it.skipIf(skip);
  if (skip) it.skip('PostgreSQL is not reachable at 127.0.0.1:5432: this variant is SKIPPED', () => undefined);
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  let h: Harness;
  let institution: { code: string; key: string };
  let serial = 0;
  const answers: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    // The clock moves by weeks here: sessions must outlive it.
    h = await Harness.create(getDb(), { SESSION_TTL_SECONDS: String(90 * 86400) });
    const call = h.call.bind(h);
    h.call = (async (name: string, event: unknown, bearer?: string) => {
      const envelope = await call(name, event, bearer);
      if (name === 'listRecords') answers.push(JSON.stringify(envelope));
      return envelope;
    }) as Harness['call'];
    institution = await h.institution();
  });

  async function worker(balanceFen = 10_000_000, options: Partial<PersonInput> & { birthDate?: string } = {}) {
    const person = await h.employee(balanceFen, { birthDate: '1980-01-01', ...options });
    return { person, user: await h.user(person) };
  }

  async function bind(who: { user: TestUser }, relative: TestPerson, relationship: Relationship = 'sibling'): Promise<string> {
    return (await h.bind(who.user, relative, relationship)).bindingId;
  }

  async function settle(patient: TestPerson, amountFen: number, kind = 'outpatient') {
    const serialNo = `R${++serial}`;
    const answer = await h.ok('settle', { serialNo, patientIdNumber: patient.idNumber, kind, amountFen }, institution.key);
    return { ...answer, serialNo };
  }

  const records = (user: TestUser, event: Record<string, unknown> = {}) => h.ok<Page>('listRecords', event, user.token);

  /** Every page, following nextCursor. */
  async function allPages(user: TestUser, event: Record<string, unknown>): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await records(user, { ...event, ...(cursor ? { cursor } : {}) });
      pages.push(page);
      cursor = page.nextCursor;
      if (pages.length > 100) throw new Error('cursor never ends');
    } while (cursor);
    return pages;
  }

  describe('order and pages', () => {
    test('lists 45 payments newest first in pages of 20, 20 and 5, with no duplicates or gaps', async () => {
      const w = await worker();
      const relative = await h.person();
      await bind(w, relative);
      const paid: string[] = [];
      for (let i = 0; i < 45; i += 1) {
        if (i % 3 === 0) h.clock.advance(60); // three payments share each instant: ties are broken by id
        paid.push((await settle(relative, 100 + i)).settlementId);
      }
      const pages = await allPages(w.user, { limit: 20 });
      expect(pages.map((p) => p.items.length)).toEqual([20, 20, 5]);
      expect(pages.map((p) => p.nextCursor === null)).toEqual([false, false, true]);
      const expectedTotal = Array.from({ length: 45 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
      for (const page of pages) expect(page.totalFen).toBe(expectedTotal);

      const listed = pages.flatMap((p) => p.items);
      expect(new Set(listed.map((r) => r.settlementId)).size).toBe(45);
      expect([...listed.map((r) => r.settlementId)].sort()).toEqual([...paid].sort());
      for (let i = 1; i < listed.length; i += 1) {
        const [a, b] = [listed[i - 1] as RecordJson, listed[i] as RecordJson];
        expect(a.paidAt >= b.paidAt).toBe(true);
        if (a.paidAt === b.paidAt) expect(a.settlementId > b.settlementId).toBe(true);
      }
      // Newest first: the last instant's three payments head the list, the first instant's end it.
      expect(listed.slice(0, 3).map((r) => r.amountFen).sort()).toEqual([142, 143, 144]);
      expect(listed.slice(42).map((r) => r.amountFen).sort()).toEqual([100, 101, 102]);
      // One big page says the same; the default page is 20.
      const whole = await records(w.user, { limit: 100 });
      expect(whole.items.map((r) => r.settlementId)).toEqual(listed.map((r) => r.settlementId));
      expect(whole.nextCursor).toBeNull();
      expect((await records(w.user)).items).toHaveLength(20);
      const single = await allPages(w.user, { limit: 1 });
      expect(single).toHaveLength(45);
      expect(single.flatMap((p) => p.items).map((r) => r.settlementId)).toEqual(listed.map((r) => r.settlementId));
    });

    test('a payment that arrives between two pages neither repeats nor hides an older one', async () => {
      const w = await worker();
      const relative = await h.person();
      await bind(w, relative);
      for (let i = 0; i < 5; i += 1) {
        h.clock.advance(1);
        await settle(relative, 10 + i);
      }
      const first = await records(w.user, { limit: 2 });
      h.clock.advance(1);
      await settle(relative, 99);
      const second = await records(w.user, { limit: 2, cursor: first.nextCursor });
      const third = await records(w.user, { limit: 2, cursor: second.nextCursor });
      expect([...first.items, ...second.items, ...third.items].map((r) => r.amountFen)).toEqual([14, 13, 12, 11, 10]);
      expect(third.nextCursor).toBeNull();
      expect((await records(w.user, { limit: 1 })).items[0]?.amountFen).toBe(99);
    });

    test.each([0, 101, 1.5, -1, '20', null])('refuses limit %s with INVALID_INPUT on limit', async (limit) => {
      const w = await worker();
      expect(await h.err('listRecords', { limit }, w.user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'limit' });
    });

    test.each([1, 100])('accepts limit %s', async (limit) => {
      const w = await worker();
      expect((await records(w.user, { limit })).items).toEqual([]);
    });

    test.each([
      { what: 'garbage', cursor: 'garbage' },
      { what: 'characters outside base64url', cursor: 'a+b/c=' },
      { what: 'an empty string', cursor: '' },
      { what: 'a JSON array of numbers', cursor: Buffer.from('[1,2]').toString('base64url') },
      { what: 'a cursor with a bad date', cursor: Buffer.from('["yesterday","00000000-0000-4000-8000-000000000000"]').toString('base64url') },
      { what: 'a cursor with a bad id', cursor: Buffer.from(`["2026-03-15T02:00:00.000Z","1; DROP TABLE settlements"]`).toString('base64url') },
      { what: 'a very long cursor', cursor: 'A'.repeat(201) },
    ])('refuses $what as cursor with INVALID_INPUT on cursor', async ({ cursor }) => {
      const w = await worker();
      expect(await h.err('listRecords', { cursor }, w.user.token)).toMatchObject({ code: 'INVALID_INPUT', field: 'cursor' });
    });
  });

  describe('filters', () => {
    test('filters by binding; someone else\'s binding is NOT_FOUND', async () => {
      const w = await worker();
      const wife = await h.person({ birthDate: '1982-01-01' });
      const son = await h.person({ birthDate: '2010-01-01' });
      const wifeBinding = await bind(w, wife, 'spouse');
      const sonBinding = await bind(w, son, 'child');
      for (const [patient, amount] of [[wife, 1_000], [son, 2_000], [wife, 3_000]] as const) {
        h.clock.advance(1);
        await settle(patient, amount);
      }

      const hers = await records(w.user, { bindingId: wifeBinding });
      expect(hers.items.map((r) => r.amountFen)).toEqual([3_000, 1_000]);
      expect(hers.totalFen).toBe(4_000);
      expect((await records(w.user, { bindingId: sonBinding })).totalFen).toBe(2_000);
      expect((await records(w.user)).totalFen).toBe(6_000);

      const wifeUser = await h.user(wife);
      expect((await records(wifeUser, { role: 'relative', bindingId: wifeBinding })).totalFen).toBe(4_000);
      // The wife is not the relative of her son's binding, and the worker not the relative of his own.
      expect(await h.err('listRecords', { role: 'relative', bindingId: sonBinding }, wifeUser.token)).toMatchObject({ code: 'NOT_FOUND', field: 'bindingId' });
      expect((await h.err('listRecords', { role: 'relative', bindingId: wifeBinding }, w.user.token)).code).toBe('NOT_FOUND');
      const stranger = await worker();
      expect((await h.err('listRecords', { bindingId: wifeBinding }, stranger.user.token)).code).toBe('NOT_FOUND');
      expect((await h.err('listRecords', { bindingId: '00000000-0000-4000-8000-000000000000' }, w.user.token)).code).toBe('NOT_FOUND');
    });

    test('counts days in Asia/Shanghai: a payment at 16:30 UTC on 31 March belongs to 1 April', async () => {
      const w = await worker();
      const relative = await h.person();
      await bind(w, relative);
      h.clock.set('2026-03-31T15:59:59.999Z'); // 23:59:59.999 on 31 March in Shanghai
      const march = await settle(relative, 100);
      h.clock.set('2026-03-31T16:00:00.000Z'); // midnight: 1 April
      const midnight = await settle(relative, 200);
      h.clock.set('2026-03-31T16:30:00.000Z');
      const april = await settle(relative, 400);
      h.clock.set('2026-04-02T03:00:00.000Z');

      const ids = async (event: Record<string, unknown>) => {
        const page = await records(w.user, event);
        return { ids: page.items.map((r) => r.settlementId), total: page.totalFen };
      };
      expect(await ids({ from: '2026-04-01', to: '2026-04-01' })).toEqual({ ids: [april.settlementId, midnight.settlementId], total: 600 });
      expect(await ids({ from: '2026-03-31', to: '2026-03-31' })).toEqual({ ids: [march.settlementId], total: 100 });
      expect(await ids({ to: '2026-03-31' })).toEqual({ ids: [march.settlementId], total: 100 });
      expect(await ids({ from: '2026-04-01' })).toEqual({ ids: [april.settlementId, midnight.settlementId], total: 600 });
      expect(await ids({ from: '2026-04-02' })).toEqual({ ids: [], total: 0 });
      expect((await ids({ from: '2026-03-31', to: '2026-04-01', limit: 1 })).total).toBe(700);
    });

    test.each([
      { event: { from: '2026-04-02', to: '2026-04-01' }, field: 'to' },
      { event: { from: '2026-02-30' }, field: 'from' },
      { event: { to: '2026/04/01' }, field: 'to' },
      { event: { from: '20260401' }, field: 'from' },
      { event: { role: 'admin' }, field: 'role' },
      { event: { sharerId: 'x' }, field: 'sharerId' },
    ])('refuses $event with INVALID_INPUT', async ({ event, field }) => {
      const w = await worker();
      expect(await h.err('listRecords', event, w.user.token)).toMatchObject({ code: 'INVALID_INPUT', field });
    });
  });

  describe('who sees what', () => {
    test('the relative sees what was paid for them and from whose account, names of sharers masked', async () => {
      const first = await worker(5_000, { name: '王大明' });
      const second = await worker(100_000, { name: '赵小刚' });
      const relative = await h.person({ name: '孙丽丽', birthDate: '1982-01-01' });
      await bind(first, relative, 'spouse');
      const secondBinding = await bind(second, relative, 'sibling');
      h.clock.advance(1);
      const larger = await settle(relative, 1_000, 'pharmacy'); // the larger balance pays
      await h.ok('unbindRelative', { bindingId: secondBinding }, second.user.token);
      h.clock.advance(1);
      const smaller = await settle(relative, 2_000, 'inpatient');

      const relativeUser = await h.user(relative);
      const mine = await records(relativeUser, { role: 'relative' });
      expect(mine.totalFen).toBe(3_000);
      expect(mine.items).toEqual([
        {
          recordId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          settlementId: smaller.settlementId,
          paidAt: h.clock.now().toISOString(),
          kind: 'inpatient',
          institutionName: `测试医院${institution.code}`,
          amountFen: 2_000,
          refundedFen: 0,
          bindingId: expect.any(String),
          relationship: 'spouse',
          sharer: { name: '王**', idNumberMasked: masked(first.person.idNumber) },
          relative: { name: '孙丽丽', idNumberMasked: masked(relative.idNumber) },
        },
        expect.objectContaining({
          settlementId: larger.settlementId,
          kind: 'pharmacy',
          relationship: 'sibling',
          sharer: { name: '赵**', idNumberMasked: masked(second.person.idNumber) },
        }),
      ]);
      // Each sharer sees only what left their own account, their own name in full; unbound history included.
      const firstView = await records(first.user);
      expect(firstView.items.map((r) => [r.settlementId, r.sharer.name])).toEqual([[smaller.settlementId, '王大明']]);
      const secondView = await records(second.user);
      expect(secondView.items.map((r) => r.settlementId)).toEqual([larger.settlementId]);
      expect((await records(second.user, { bindingId: secondBinding })).totalFen).toBe(1_000);
      // The relative shares nothing: as a sharer their list is empty.
      expect(await records(relativeUser)).toEqual({ items: [], nextCursor: null, totalFen: 0 });
    });

    test('nobody sees anyone else\'s records, and bills not paid by mutual aid are not records', async () => {
      const w = await worker(1_000);
      const relative = await h.person();
      await bind(w, relative);
      await settle(relative, 600);
      expect((await settle(relative, 5_000)).mulaidFailure).toBe('INSUFFICIENT_BALANCE');
      const selfPaying = await h.employee(50_000);
      await settle(selfPaying, 300);

      expect((await records(w.user)).items.map((r) => r.amountFen)).toEqual([600]);
      const stranger = await worker();
      expect(await records(stranger.user)).toEqual({ items: [], nextCursor: null, totalFen: 0 });
      expect(await records(stranger.user, { role: 'relative' })).toEqual({ items: [], nextCursor: null, totalFen: 0 });
      expect(await records(await h.user(selfPaying), { role: 'relative' })).toEqual({ items: [], nextCursor: null, totalFen: 0 });
    });

    test('asks an unverified caller to verify first', async () => {
      expect((await h.err('listRecords', {}, (await h.user()).token)).code).toBe('NOT_VERIFIED');
    });
  });

  describe('refunds', () => {
    const refund = (serialNo: string, amountFen: number) =>
      h.ok('refund', { serialNo, refundSerialNo: `RF${++serial}`, amountFen }, institution.key);

    test('totals are net of refunds on every page; a partial refund shows as refundedFen', async () => {
      const w = await worker();
      const relative = await h.person();
      await bind(w, relative);
      const bills = [];
      for (const amount of [1_000, 2_000, 3_000]) {
        h.clock.advance(1);
        bills.push(await settle(relative, amount));
      }
      await refund(bills[1]?.serialNo ?? '', 500);
      await refund(bills[0]?.serialNo ?? '', 1_000);

      const pages = await allPages(w.user, { limit: 1 });
      expect(pages).toHaveLength(3);
      for (const page of pages) expect(page.totalFen).toBe(6_000 - 500 - 1_000);
      expect(pages.flatMap((p) => p.items).map((r) => [r.amountFen, r.refundedFen])).toEqual([
        [3_000, 0],
        [2_000, 500],
        [1_000, 1_000],
      ]);
      const relativeUser = await h.user(relative);
      expect((await records(relativeUser, { role: 'relative' })).totalFen).toBe(4_500);
      expect((await h.ok('listMembers', {}, w.user.token)).asSharer[0].spentFen).toBe(4_500);
    });

    test('a record shows only the mutual-aid part of a bill and of its refund', async () => {
      const w = await worker();
      const patient = await h.employee(300, { birthDate: '1990-01-01' }); // their own account pays ¥3 first
      await bind(w, patient);
      const bill = await settle(patient, 1_000);
      expect(bill).toMatchObject({ selfAcctPay: 300, acctMulaidPay: 700 });
      expect((await records(w.user)).items[0]).toMatchObject({ amountFen: 700, refundedFen: 0 });
      expect(await refund(bill.serialNo, 800)).toMatchObject({ toMulaid: 700, toSelf: 100 });
      const after = await records(w.user);
      expect(after.items[0]).toMatchObject({ amountFen: 700, refundedFen: 700 });
      expect(after.totalFen).toBe(0);
    });
  });

  test('never shows a full ID number in any list of records, and masks every listed one', () => {
    expect(answers.length).toBeGreaterThan(50);
    for (const answer of answers) {
      expect(answer).not.toMatch(FULL_ID_NUMBER);
      const envelope = JSON.parse(answer) as { ok: boolean; data?: Page };
      for (const item of envelope.data?.items ?? []) {
        expect(item.sharer.idNumberMasked).toMatch(MASKED_ID_NUMBER);
        expect(item.relative.idNumberMasked).toMatch(MASKED_ID_NUMBER);
      }
    }
  });
});
