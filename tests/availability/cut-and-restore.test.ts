import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openPg } from '../../server/db/pg';
import type { Db, Queryable } from '../../server/db/port';
import { databaseInvariants } from '../reliability/model/invariants';
import { pgAvailable } from '../support/adapters';
import type { TestPerson } from '../support/harness';
import { freshPostgres } from '../support/postgres';
import { startTcpProxy, type ProxyMode, type TcpProxy } from '../support/tcpProxy';
import { pgTarget, post, settlementWorld, throughProxy, type Answer, type HttpOutcome } from './support';

/**
 * SPEC 2.13 with a TCP proxy between the gateway and PostgreSQL: under settlement and refund
 * load the database is cut (connections reset, new ones refused), then made silent (TCP up, no
 * answer). Every call answers the UNAVAILABLE envelope (503), the gateway stays up, /readyz
 * says 503; when the proxy forwards again the gateway serves without a restart, the retried
 * serial numbers are applied once, and the ledger invariants hold.
 */
const WORKERS = 12;
/** Generous: SPEC says 5 s; the CI machine is slow and shared. The measured figure is printed. */
const BOUND_MS = 15_000;

interface Sent {
  kind: 'settle' | 'refund';
  event: { serialNo: string; patientIdNumber?: string; kind?: string; amountFen: number; refundSerialNo?: string };
  phase: 'before' | ProxyMode | 'restored';
  outcomes: HttpOutcome[];
}

if (!pgAvailable) console.log('[availability] skipped: no PostgreSQL server answers (tests/support/postgres.ts)');

describe.skipIf(!pgAvailable)('the database cut and restored under load (PostgreSQL through a TCP proxy)', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgres>>;
  let proxy: TcpProxy;
  let db: Db;
  let server: FastifyInstance;
  let base: string;
  let key: string;
  let patients: TestPerson[];
  const sent: Sent[] = [];
  let serial = 0;

  beforeAll(async () => {
    fresh = await freshPostgres(2);
    proxy = await startTcpProxy(pgTarget());
    // The gateway's pool with the timeouts of the configuration's defaults, through the proxy.
    db = openPg(throughProxy(fresh.url, proxy.port), 8, { timeouts: loadConfig({ APP_ENV: 'development' }).database });
    ({ patients, key, server, base } = await settlementWorld(db, 5_000_000));
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await db?.close().catch(() => undefined);
    await proxy?.close();
    await fresh?.drop();
  });

  function settlement(phase: Sent['phase']): Sent {
    serial += 1;
    const patient = patients[serial % patients.length]!;
    return {
      kind: 'settle',
      event: { serialNo: `AV-${serial}`, patientIdNumber: patient.idNumber, kind: 'outpatient', amountFen: 100 + (serial % 50) * 10 },
      phase,
      outcomes: [],
    };
  }

  async function send(r: Sent): Promise<HttpOutcome> {
    const outcome = await post(base, r.kind, r.event, key);
    r.outcomes.push(outcome);
    return outcome;
  }

  /** WORKERS clients settle (and refund 1 fen of what they settled) until `until()` is true. */
  async function load(phase: Sent['phase'], until: () => boolean): Promise<Sent[]> {
    const mine: Sent[] = [];
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (!until()) {
          const bill = settlement(phase);
          mine.push(bill);
          const outcome = await send(bill);
          const answer = outcome.envelope;
          if (answer?.ok && answer.data.acctPay > 0 && serial % 3 === 0) {
            const refund: Sent = { kind: 'refund', event: { serialNo: bill.event.serialNo, refundSerialNo: `${bill.event.serialNo}-R`, amountFen: 1 }, phase, outcomes: [] };
            mine.push(refund);
            await send(refund);
          }
        }
      }),
    );
    sent.push(...mine);
    return mine;
  }

  const forMs = (ms: number) => {
    const end = Date.now() + ms;
    return () => Date.now() >= end;
  };

  async function readyz(): Promise<number> {
    return (await fetch(`${base}/readyz`)).status;
  }

  it('serves settlements and refunds before the cut', async () => {
    const before = await load('before', forMs(1_500));
    expect(before.length).toBeGreaterThan(WORKERS);
    for (const r of before) expect(r.outcomes[0]?.envelope, `${r.event.serialNo}: ${JSON.stringify(r.outcomes[0])}`).toMatchObject({ ok: true });
    expect(await readyz()).toBe(200);
  });

  it.each(['cut', 'blackhole'] as const)('while the database is %s, every call answers UNAVAILABLE (503), the gateway stays up', async (mode) => {
    // Load is running when the proxy changes mode: some calls are in flight on their connections.
    let stop = false;
    const running = load(mode, () => stop);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const changedAt = Date.now();
    proxy.setMode(mode);
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    stop = true;
    const calls = await running;
    const afterChange = calls.filter((r) => r.outcomes[0]!.at > changedAt);
    const slowest = Math.max(...calls.map((r) => r.outcomes[0]!.ms));
    console.log(`[availability] ${mode}: ${calls.length} calls; the slowest answered in ${Math.round(slowest)} ms`);
    for (const r of calls) {
      const outcome = r.outcomes[0]!;
      // Every call gets an answer, in time: none is left hanging or dropped.
      expect(outcome.lost, `${r.event.serialNo}: no answer`).toBeUndefined();
      expect(outcome.ms).toBeLessThan(BOUND_MS);
      // Calls answered before the change may have succeeded; none fails any other way.
      if (!outcome.envelope!.ok) {
        expect(outcome.status).toBe(503);
        expect(outcome.envelope).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE', message: '系统暂时无法处理，请稍后再试' } });
      }
    }
    // Whatever was sent after the change failed; nothing half-done answered ok.
    expect(afterChange.length).toBeGreaterThan(WORKERS);
    for (const r of afterChange) expect(r.outcomes[0]!.envelope, r.event.serialNo).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // Now, with the load over: still UNAVAILABLE, /readyz 503, /healthz 200.
    const probe = await send(settlement(mode));
    expect(probe.status).toBe(503);
    expect(probe.envelope).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(await readyz()).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // Back to normal for the next mode (its own check starts from a serving gateway).
    proxy.setMode('pass');
    const deadline = Date.now() + 30_000;
    while ((await readyz()) !== 200 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await readyz()).toBe(200);
  }, 90_000);

  it('after the restore: new settlements succeed without a restart, retries apply once, invariants hold', async () => {
    const restored = await load('restored', forMs(1_000));
    for (const r of restored) expect(r.outcomes[0]?.envelope, r.event.serialNo).toMatchObject({ ok: true });

    // Every call that was not ok is retried with the same serial numbers, settlements before
    // their refunds; every one that was ok is sent again and must answer the same.
    const settles = sent.filter((r) => r.kind === 'settle');
    const refunds = sent.filter((r) => r.kind === 'refund');
    let failedBefore = 0;
    for (const group of [settles, refunds]) {
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, w) => {
          for (let i = w; i < group.length; i += WORKERS) {
            const r = group[i]!;
            const first = r.outcomes[0]!.envelope as Answer;
            if (!first.ok) failedBefore += 1;
            const again = await send(r);
            expect(again.envelope, `${r.event.refundSerialNo ?? r.event.serialNo} again`).toMatchObject({ ok: true });
            if (first.ok) expect(again.envelope).toEqual(first);
          }
        }),
      );
    }
    console.log(`[availability] ${sent.length} calls; ${failedBefore} answered UNAVAILABLE and succeeded on retry`);
    expect(failedBefore).toBeGreaterThan(0);

    // Straight to the database, not through the proxy.
    const direct = new pg.Client({ connectionString: fresh.url });
    await direct.connect();
    try {
      const q: Queryable = { query: async <R,>(sql: string, params: readonly unknown[] = []) => (await direct.query(sql, params as unknown[])).rows as R[] };
      const rows = await q.query<{ serial_no: string; n: string }>(
        `SELECT serial_no, count(*)::text AS n FROM settlements WHERE serial_no LIKE 'AV-%' GROUP BY serial_no`,
      );
      const count = new Map(rows.map((row) => [row.serial_no, Number(row.n)]));
      for (const r of settles) expect(count.get(r.event.serialNo), r.event.serialNo).toBe(1);
      // One refund per refund serial; one debit per settlement is among the invariants.
      const refundRows = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM refunds WHERE refund_serial_no LIKE 'AV-%'`);
      expect(Number(refundRows[0]?.n)).toBe(refunds.length);
      expect(await databaseInvariants(q)).toEqual([]);
    } finally {
      await direct.end();
    }
  }, 120_000);
});
