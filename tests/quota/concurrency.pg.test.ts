import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../server/runtime/envelope';
import { seededRandom, TickingClock } from '../backbone/fixtures';
import { pgAvailable } from '../support/adapters';
import { Harness, type TestPerson } from '../support/harness';
import { freshPostgres } from '../support/postgres';
import { bindWithQuota, quotaViolations } from './support';

/**
 * SPEC 2.2 item 5 and 2.11 under real concurrency (PostgreSQL, 16 connections, every request
 * through the cloud functions): quota changes, unbinds and refunds racing the settlements that
 * spend the same quotas and the same free balance. Nothing may fail but by a rule (no deadlock,
 * no internal error), and afterwards every invariant holds: per account balance = Σ delta,
 * held = Σ held_delta = Σ live quotas, balance ≥ held ≥ 0; per live binding, what its quota has
 * paid (quota − left) is exactly its quota payments less the refunds that went back into it.
 */
const RULE_CODES = new Set(['QUOTA_EXCEEDS_BALANCE', 'INVALID_INPUT', 'FORBIDDEN', 'REFUND_EXCEEDS_PAID']);

describe('quotas under concurrency on postgres', () => {
  const skip = !pgAvailable;
  let handle: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  let harness: Harness | undefined;
  const h = (): Harness => {
    if (!harness) throw new Error('harness not ready');
    return harness;
  };

  beforeAll(async () => {
    if (skip) return;
    handle = await freshPostgres(16);
    harness = await Harness.create(handle.db, {}, new TickingClock());
    await harness.ok('setPolicy', { scope: '130100', maxRelatives: 20 }, harness.adminKey);
  }, 60_000);
  afterAll(async () => {
    await handle?.drop();
  });

  function refusedOnlyByRules(answers: Array<Envelope<unknown>>): void {
    const unexpected = answers.filter((a) => !a.ok && !RULE_CODES.has(a.error.code));
    expect(unexpected.map((a) => (a.ok ? null : a.error))).toEqual([]);
  }

  async function quotaSpentMismatches(): Promise<unknown[]> {
    return h().app.db.query(
      `SELECT b.binding_id, b.quota_fen, b.quota_left_fen, COALESCE(sum(l.held_delta_fen), 0)::bigint AS paid_net
       FROM bindings b LEFT JOIN ledger_entries l ON l.binding_id = b.binding_id AND l.kind IN ('mulaid_pay', 'refund')
       WHERE b.status IN ('active', 'pending') AND b.quota_fen IS NOT NULL
       GROUP BY b.binding_id, b.quota_fen, b.quota_left_fen
       HAVING b.quota_left_fen - b.quota_fen <> COALESCE(sum(l.held_delta_fen), 0)`,
    );
  }

  it.skipIf(skip)('setQuota, unbinds and refunds racing settlements keep every quota and balance exact', async () => {
    const random = seededRandom(20260109);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const sharerPerson = await h().employee(400_000, { birthDate: '1970-01-01', poolingRegion: '130100' });
    const sharer = await h().user(sharerPerson);
    const provinces = ['320100', '440100', '510100', '330100', '420100'];
    const far: TestPerson[] = [];
    const bindingIds: string[] = [];
    for (const [i, region] of provinces.entries()) {
      const parent = await h().person({ birthDate: `194${i}-0${1 + i}-1${i}`, poolingRegion: region });
      far.push(parent);
      bindingIds.push((await bindWithQuota(h(), sharer, parent, 40_000)).bindingId);
    }
    const near: TestPerson[] = [];
    for (let i = 0; i < 3; i += 1) {
      const child = await h().person({ birthDate: `200${i}-0${1 + i}-2${i}`, poolingRegion: '130100' });
      near.push(child);
      await h().bind(sharer, child, 'child');
    }
    const inst = await h().institution();
    let serial = 0;
    const settle = (patient: TestPerson) => {
      const serialNo = `C-${++serial}`;
      const amountFen = 1_000 + Math.floor(random() * 25_000);
      return { serialNo, call: () => h().call('settle', { serialNo, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen }, inst.key) };
    };
    const setQuota = () => {
      const bindingId = pick(bindingIds);
      const amountFen = Math.floor(random() * 80_000);
      return () => h().call('setQuota', { bindingId, amountFen }, sharer.token);
    };

    // Round 1: 160 settlements (the sharer's own bills among them) and 40 quota changes at once.
    const bills = Array.from({ length: 160 }, () => settle(pick([...far, ...far, ...near, sharerPerson])));
    const round1 = await Promise.all([...bills.map((b) => b.call()), ...Array.from({ length: 40 }, setQuota).map((c) => c())]);
    refusedOnlyByRules(round1);
    expect(await quotaViolations(h().app.db)).toEqual([]);
    expect(await quotaSpentMismatches()).toEqual([]);
    const quotaPaid = round1.filter((a) => a.ok && (a.data as { mulaidSource?: string }).mulaidSource === 'quota').length;
    expect(quotaPaid).toBeGreaterThan(0);

    // Round 2: refunds of round 1's bills, more settlements, quota changes and two unbinds at once.
    const refunds = bills.slice(0, 60).map((b, i) => () =>
      h().call('refund', { serialNo: b.serialNo, refundSerialNo: `RF-${i}`, amountFen: 500 + Math.floor(random() * 3_000) }, inst.key),
    );
    const more = Array.from({ length: 80 }, () => settle(pick([...far, ...near])).call);
    const unbinds = bindingIds.slice(0, 2).map((bindingId) => () => h().call('unbindRelative', { bindingId }, sharer.token));
    const round2 = await Promise.all([...refunds, ...more, ...Array.from({ length: 30 }, setQuota), ...unbinds].map((c) => c()));
    refusedOnlyByRules(round2);
    expect(await quotaViolations(h().app.db)).toEqual([]);
    expect(await quotaSpentMismatches()).toEqual([]);
    const ended = await h().app.db.query<{ quota_left_fen: bigint }>(
      "SELECT quota_left_fen FROM bindings WHERE binding_id = ANY ($1::uuid[]) AND status = 'unbound'",
      [`{${bindingIds.slice(0, 2).join(',')}}`],
    );
    expect(ended.map((r) => r.quota_left_fen)).toEqual([0n, 0n]);
  }, 180_000);
});
