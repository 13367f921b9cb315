import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgAvailable } from '../support/adapters';
import { Harness, ledgerMismatches, type TestPerson } from '../support/harness';
import { freshPostgres } from '../support/postgres';
import { personId, TickingClock, type SettleData } from './fixtures';

/**
 * A settlement that has to wait for its lock decides from the balance committed while it
 * waited, never from the one it read before. A concurrent transaction holds the sharer's
 * account, changes its balance and commits only once the settlement is queued behind it.
 *
 * This is the defect the seeded model test found (seed 967315713) in a variant that locked and
 * wrote in ONE statement: that statement's snapshot predates the wait, so it chose and
 * computed from the old balance. settle_commit (migration 0002) locks in a statement of its own.
 */
describe.skipIf(!pgAvailable)('a settlement waiting for its lock on postgres', () => {
  let handle: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  let h: Harness;
  let other: pg.Client;

  beforeAll(async () => {
    handle = await freshPostgres(4);
    h = await Harness.create(handle.db, {}, new TickingClock());
    other = new pg.Client({ connectionString: handle.url });
    await other.connect();
  }, 60_000);
  afterAll(async () => {
    await other?.end();
    await handle?.drop();
  });

  async function family(balanceFen: number): Promise<{ sharerId: string; relative: TestPerson; sharer: TestPerson }> {
    const sharer = await h.employee(balanceFen, { birthDate: '1962-05-01' });
    const user = await h.user(sharer);
    const relative = await h.person({ birthDate: '1990-07-07' });
    await h.bind(user, relative, 'child');
    return { sharerId: await personId(h, sharer), relative, sharer };
  }

  /** In the other session: BEGIN, move the sharer's balance by delta (with its ledger entry), hold. */
  async function holdAndMove(sharerId: string, deltaFen: number): Promise<void> {
    await other.query('BEGIN');
    const { rows } = await other.query<{ balance_fen: string }>(
      'UPDATE accounts SET balance_fen = balance_fen + $2, updated_at = now() WHERE person_id = $1 RETURNING balance_fen',
      [sharerId, deltaFen],
    );
    await other.query(
      `INSERT INTO ledger_entries (entry_id, person_id, kind, delta_fen, balance_after_fen, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [randomUUID(), sharerId, deltaFen > 0 ? 'credit' : 'correction', deltaFen, rows[0]!.balance_fen],
    );
  }

  /** Until some session waits for a row lock held by the other session. */
  async function untilSomeoneWaits(): Promise<void> {
    const pid = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    for (let i = 0; i < 500; i += 1) {
      const rows = await h.app.db.query<{ n: bigint }>(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND $1::int = ANY (pg_blocking_pids(pid))`,
        [pid],
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the settlement never waited for the lock');
  }

  it('a top-up committed while it waits lets it pay: 50.00 became 100.00, the bill of 80.00 is paid by mutual aid', async () => {
    const { sharerId, relative, sharer } = await family(5_000);
    const inst = await h.institution();
    await holdAndMove(sharerId, 5_000);
    const answer = h.call<SettleData>('settle', { serialNo: 'WAIT-UP', patientIdNumber: relative.idNumber, kind: 'outpatient', amountFen: 8_000 }, inst.key);
    await untilSomeoneWaits();
    await other.query('COMMIT');
    const settled = await answer;
    expect(settled.ok).toBe(true);
    if (!settled.ok) return;
    expect(Number(settled.data.acctMulaidPay)).toBe(8_000);
    expect(settled.data.mulaidFailure).toBeNull();
    expect(await h.balance(sharer)).toBe(2_000n);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });

  it('a debit committed while it waits makes it refuse: 100.00 became 40.00, the bill of 80.00 gets INSUFFICIENT_BALANCE and nothing moves', async () => {
    const { sharerId, relative, sharer } = await family(10_000);
    const inst = await h.institution();
    await holdAndMove(sharerId, -6_000);
    const answer = h.call<SettleData>('settle', { serialNo: 'WAIT-DOWN', patientIdNumber: relative.idNumber, kind: 'outpatient', amountFen: 8_000 }, inst.key);
    await untilSomeoneWaits();
    await other.query('COMMIT');
    const settled = await answer;
    expect(settled.ok).toBe(true);
    if (!settled.ok) return;
    expect(Number(settled.data.acctMulaidPay)).toBe(0);
    expect(Number(settled.data.cashPay)).toBe(8_000);
    expect(settled.data.mulaidFailure).toBe('INSUFFICIENT_BALANCE');
    expect(await h.balance(sharer)).toBe(4_000n);
    expect(await ledgerMismatches(h.app)).toEqual([]);
  });
});
