import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../server/db/pglite';
import type { Queryable } from '../../server/db/port';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { pgAvailable } from '../support/adapters';
import { freshPostgres, PG_ADMIN_URL } from '../support/postgres';
import { databaseInvariants } from './model/invariants';
import { call, ok, spawnGateway, startGateway, type GatewayProcess } from './support/gateway';
import type { RefundData, SettleData } from '../backbone/fixtures';
import { seededRandom } from '../support/random';

/**
 * Crash test: under load, the real gateway process (server/main.ts) is killed with SIGKILL at
 * a random moment, restarted on the same data, and every request is retried with the same
 * serial numbers. Then: answers received before a kill are answered again identically (the
 * commit survived), requests whose answer was lost get one consistent answer and moved money
 * at most once, and the database holds nothing half written (model/invariants.ts).
 *
 * Reproduce: CRASH_SEED=<seed>. Length: CRASH_KILLS (default 3 per database) — the long
 * version's results are in docs/RELIABILITY.md.
 */
const SEED = process.env.CRASH_SEED ? Number(process.env.CRASH_SEED) : Math.floor(Math.random() * 2 ** 31);
const KILLS = Number(process.env.CRASH_KILLS ?? 3);
const WORKERS = 12;
/** Per test: start-up, set-up, and about 10 s for each kill-and-restart on a slow, busy machine. */
// Generous: a loaded CI machine starts a PGlite gateway (WASM, migrations) slowly; nothing here is timed.
const TIMEOUT = 300_000 + KILLS * 150_000;
const ADMIN_KEY = 'crash-test-admin-key-0123456789abcdef';
const REGION = '110100';

type Answer = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

interface Request {
  kind: 'settle' | 'refund';
  body: { serialNo: string; patientIdNumber?: string; kind?: string; amountFen: number; refundSerialNo?: string };
  round: number;
  sent: boolean;
  /** Every answer received, first one first. */
  answers: Answer[];
  /** Sent, and no answer came back (the connection died with the process). */
  lost: boolean;
  /** For settlements: what has been (or is being) refunded, so refunds never exceed acctPay. */
  refundPlanned: number;
  /** When the gateway was killed in this request's round (ms since the epoch). */
  killedAt?: number;
}

interface Counts {
  kills: number;
  startupKills: number;
  sent: number;
  answeredBeforeKill: number;
  lostInFlight: number;
  lostButCommitted: number;
  retriedLost: number;
  replayedIdentical: number;
  checksBetweenKillAndRestart: number;
}

interface Scenario {
  env: Record<string, string>;
  /** The database as the crash left it, opened by the test itself (the gateway must be dead). */
  inspect: <T>(fn: (q: Queryable) => Promise<T>) => Promise<T>;
}

/** People, an institution and bindings, through the HTTP API as an operator and users would. */
async function setUp(base: string) {
  // Everyone has a registry phone (预留手机号) and logs in with it: the proof of identity (SPEC 2.7).
  const sharers = Array.from({ length: 4 }, (_, i) => ({
    idNumber: makeIdNumber(REGION, `1962-0${i + 1}-15`, 11 + i * 2),
    name: `共济人${'甲乙丙丁'[i]}`,
    opening: 3_000_000,
    phone: `1370000${String(i).padStart(4, '0')}`,
  }));
  const patients = Array.from({ length: 6 }, (_, i) => ({
    idNumber: makeIdNumber(REGION, `199${i}-0${i + 1}-20`, 31 + i * 2),
    name: `患者${'子丑寅卯辰巳'[i]}`,
    own: i < 2 ? 20_000 : undefined,
    phone: `1370001${String(i).padStart(4, '0')}`,
  }));
  await ok(base, 'setPolicy', { scope: '11', maxRelatives: 10, allowPartial: false }, ADMIN_KEY);
  await ok(
    base,
    'upsertPersons',
    {
      persons: [
        ...sharers.map((s) => ({ idNumber: s.idNumber, name: s.name, phone: s.phone, insuranceType: 'employee', status: 'active', poolingRegion: REGION, balanceFen: s.opening })),
        ...patients.map((p) => ({
          idNumber: p.idNumber,
          name: p.name,
          phone: p.phone,
          insuranceType: p.own !== undefined ? 'employee' : 'resident',
          status: 'active',
          poolingRegion: REGION,
          ...(p.own !== undefined ? { balanceFen: p.own } : {}),
        })),
      ],
    },
    ADMIN_KEY,
  );
  const { key } = await ok<{ key: string }>(base, 'createInstitution', { code: 'CRASH01', name: '崩溃测试医院', kind: 'hospital' }, ADMIN_KEY);
  const signIn = async (person: { phone: string; name: string; idNumber: string }): Promise<string> => {
    const { devCode } = await ok<{ devCode: string }>(base, 'sendCode', { phone: person.phone });
    const { token } = await ok<{ token: string }>(base, 'login', { phone: person.phone, code: devCode });
    await ok(base, 'verifyIdentity', { name: person.name, idNumber: person.idNumber }, token);
    return token;
  };
  for (const s of sharers) {
    const token = await signIn(s);
    for (const p of patients) {
      await ok(base, 'bindRelative', { name: p.name, idNumber: p.idNumber, relationship: 'child', acceptUndertaking: true }, token);
    }
  }
  // The patients are adults: each confirms the four requests (SPEC 2.6, consent from 16) before anything is paid.
  for (const p of patients) {
    const token = await signIn(p);
    const { asRelative } = await ok<{ asRelative: Array<{ bindingId: string; status: string }> }>(base, 'listMembers', {}, token);
    if (asRelative.length !== sharers.length) throw new Error(`${p.name} has ${asRelative.length} requests`);
    for (const b of asRelative) {
      const { binding } = await ok<{ binding: { status: string } }>(base, 'confirmBinding', { bindingId: b.bindingId }, token);
      if (binding.status !== 'active') throw new Error(`${p.name}: binding ${b.bindingId} is ${binding.status}`);
    }
  }
  const opening = sharers.reduce((sum, s) => sum + s.opening, 0) + patients.reduce((sum, p) => sum + (p.own ?? 0), 0);
  return { key, patients, opening };
}

async function runCrashScenario(scenario: Scenario, label: string, rnd: () => number, options: { startupKill: boolean }): Promise<Counts> {
  const counts: Counts = {
    kills: 0,
    startupKills: 0,
    sent: 0,
    answeredBeforeKill: 0,
    lostInFlight: 0,
    lostButCommitted: 0,
    retriedLost: 0,
    replayedIdentical: 0,
    checksBetweenKillAndRestart: 0,
  };
  const problems: string[] = [];
  const expectThat = (condition: boolean, message: () => string) => {
    if (!condition) problems.push(message());
  };

  // A kill during the very first start (a new data directory being created), then a clean start.
  if (options.startupKill) {
    const { child } = spawnGateway({ ...scenario.env, ADMIN_KEY });
    await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(rnd() * 2_500)));
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));
    counts.startupKills += 1;
  }
  let gateway: GatewayProcess = await startGateway({ ...scenario.env, ADMIN_KEY });
  try {
    const world = await setUp(gateway.base);
    const requests: Request[] = [];
    const bodyCall = (base: string, r: Request) => call(base, r.kind, r.body, world.key);

    for (let round = 1; round <= KILLS; round += 1) {
      // New bills, and refunds of earlier bills that still have something to give back.
      const queue: Request[] = Array.from({ length: 4_000 }, (_, i) => {
        const patient = world.patients[Math.floor(rnd() * world.patients.length)]!;
        return {
          kind: 'settle' as const,
          body: {
            serialNo: `K${round}-${i}`,
            patientIdNumber: patient.idNumber,
            kind: (['outpatient', 'inpatient', 'pharmacy'] as const)[i % 3],
            amountFen: 100 + Math.floor(rnd() * 6_000),
          },
          round,
          sent: false,
          answers: [],
          lost: false,
          refundPlanned: 0,
        };
      });
      const refundable = requests.filter((r) => r.kind === 'settle' && r.answers[0]?.ok && r.answers[0].data.acctPay > r.refundPlanned);
      for (const [i, bill] of refundable.filter(() => rnd() < 0.5).entries()) {
        const left = (bill.answers[0] as { ok: true; data: SettleData }).data.acctPay - bill.refundPlanned;
        const amountFen = 1 + Math.floor(rnd() * left);
        bill.refundPlanned += amountFen;
        queue.splice(Math.floor(rnd() * queue.length), 0, {
          kind: 'refund',
          body: { serialNo: bill.body.serialNo, refundSerialNo: `K${round}-R${i}`, amountFen },
          round,
          sent: false,
          answers: [],
          lost: false,
          refundPlanned: 0,
        });
      }

      // Load, and a SIGKILL at a random moment of it.
      let next = 0;
      let dead = false;
      const base = gateway.base;
      const workers = Array.from({ length: WORKERS }, async () => {
        while (!dead && next < queue.length) {
          const r = queue[next++]!;
          r.sent = true;
          const outcome = await bodyCall(base, r);
          if (outcome.kind === 'answer') r.answers.push(outcome.envelope);
          else {
            r.lost = true;
            dead = true;
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 200 + Math.floor(rnd() * 1_200)));
      const killedAt = Date.now();
      await gateway.kill();
      counts.kills += 1;
      await Promise.all(workers);
      for (const r of queue) r.killedAt = killedAt;
      const sent = queue.filter((r) => r.sent);
      const lost = sent.filter((r) => r.lost);
      counts.sent += sent.length;
      counts.answeredBeforeKill += sent.length - lost.length;
      counts.lostInFlight += lost.length;

      // Every other round: look at the database exactly as the crash left it, before the
      // gateway restarts (and recovers it itself in the other rounds).
      if (round % 2 === 1) {
        counts.checksBetweenKillAndRestart += 1;
        await scenario.inspect(async (q) => {
          for (const p of await databaseInvariants(q)) problems.push(`round ${round}, as the crash left it: ${p}`);
          const committed = new Set(
            (await q.query<{ serial_no: string }>("SELECT serial_no FROM settlements WHERE serial_no LIKE $1", [`K${round}-%`])).map((r) => r.serial_no),
          );
          for (const r of sent) {
            if (r.kind !== 'settle') continue;
            // An answer that reached the client is a commit: it must have survived the kill.
            expectThat(r.lost || committed.has(r.body.serialNo), () => `round ${round}: ${r.body.serialNo} was answered before the kill but is not in the database`);
          }
        });
      }

      gateway = await startGateway({ ...scenario.env, ADMIN_KEY });
      // Retry the lost requests with the same serials; send every answered one again.
      const again = sent.slice();
      let index = 0;
      await Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (index < again.length) {
            const r = again[index++]!;
            let outcome = await bodyCall(gateway.base, r);
            for (let attempt = 1; outcome.kind === 'lost' && attempt < 3; attempt += 1) outcome = await bodyCall(gateway.base, r);
            if (outcome.kind === 'lost') {
              problems.push(`round ${round}: ${r.kind} ${r.body.refundSerialNo ?? r.body.serialNo} got no answer after the restart (${outcome.reason})`);
              continue;
            }
            if (r.answers.length === 0) counts.retriedLost += 1;
            else counts.replayedIdentical += 1;
            r.answers.push(outcome.envelope);
          }
        }),
      );
      for (const r of sent) {
        const first = r.answers[0];
        const id = `${r.kind} ${r.body.refundSerialNo ?? r.body.serialNo}`;
        if (!first) continue;
        expectThat(r.answers.every((a) => isDeepStrictEqual(a, first)), () => `${id}: answers differ across the kill: ${r.answers.map((a) => JSON.stringify(a)).join(' | ')}`);
        if (r.kind === 'settle') {
          const d = (first as { ok: true; data: SettleData }).data;
          expectThat(first.ok && d.selfAcctPay + d.acctMulaidPay === d.acctPay && d.acctPay + d.cashPay === r.body.amountFen, () => `${id}: ${JSON.stringify(first)}`);
        } else {
          const d = (first as { ok: true; data: RefundData }).data;
          expectThat(first.ok && d.toMulaid + d.toSelf === r.body.amountFen, () => `${id}: ${JSON.stringify(first)}`);
        }
      }
      // Requests that were never sent had no effect: only the others count from now on.
      requests.push(...sent);
    }

    // A last kill, then the database as it was left.
    await gateway.kill();
    counts.kills += 1;
    await scenario.inspect(async (q) => {
      for (const p of await databaseInvariants(q)) problems.push(`final: ${p}`);
      const settlements = new Map(
        (await q.query<{ serial_no: string; settlement_id: string }>("SELECT serial_no, settlement_id FROM settlements WHERE institution_code = 'CRASH01'")).map((r) => [
          r.serial_no,
          r.settlement_id,
        ]),
      );
      const refunds = new Map(
        (await q.query<{ refund_serial_no: string; refund_id: string }>("SELECT refund_serial_no, refund_id FROM refunds WHERE institution_code = 'CRASH01'")).map((r) => [
          r.refund_serial_no,
          r.refund_id,
        ]),
      );
      // Lost answers whose transaction had committed before the kill (the retry replayed them).
      const committedAt = new Map(
        [
          ...(await q.query<{ serial: string; created_at: Date }>("SELECT serial_no AS serial, created_at FROM settlements WHERE institution_code = 'CRASH01'")),
          ...(await q.query<{ serial: string; created_at: Date }>("SELECT refund_serial_no AS serial, created_at FROM refunds WHERE institution_code = 'CRASH01'")),
        ].map((r) => [r.serial, new Date(r.created_at).getTime()]),
      );
      for (const r of requests) {
        const at = committedAt.get(r.body.refundSerialNo ?? r.body.serialNo);
        if (r.lost && at !== undefined && r.killedAt !== undefined && at < r.killedAt) counts.lostButCommitted += 1;
      }
      const bills = requests.filter((r) => r.kind === 'settle');
      const refundRequests = requests.filter((r) => r.kind === 'refund');
      // One settlement per answered serial, the one the answers name; none for anything else.
      expectThat(settlements.size === bills.length, () => `${settlements.size} settlements in the database for ${bills.length} bills sent`);
      for (const bill of bills) {
        const first = bill.answers[0];
        expectThat(first?.ok === true && settlements.get(bill.body.serialNo) === first.data.settlementId, () => `${bill.body.serialNo}: database ${settlements.get(bill.body.serialNo)}, answer ${JSON.stringify(first)}`);
      }
      expectThat(refunds.size === refundRequests.length, () => `${refunds.size} refunds in the database for ${refundRequests.length} sent`);
      for (const r of refundRequests) {
        const first = r.answers[0];
        expectThat(first?.ok === true && refunds.get(r.body.refundSerialNo!) === first.data.refundId, () => `${r.body.refundSerialNo}: database ${refunds.get(r.body.refundSerialNo!)}, answer ${JSON.stringify(first)}`);
      }
      // Money moved exactly as the answers say, once each.
      const paid = bills.reduce((sum, b) => sum + (b.answers[0]?.ok ? b.answers[0].data.acctPay : 0), 0);
      const refunded = refundRequests.reduce((sum, r) => sum + (r.answers[0]?.ok ? r.answers[0].data.toMulaid + r.answers[0].data.toSelf : 0), 0);
      const [row] = await q.query<{ total: bigint }>('SELECT sum(balance_fen)::bigint AS total FROM accounts');
      expectThat(row?.total === BigInt(world.opening - paid + refunded), () => `balances add up to ${row?.total}, answers say ${world.opening} − ${paid} + ${refunded}`);
    });
    console.log(`[crash] ${label}: ${JSON.stringify(counts)}`);
    if (problems.length > 0) throw new Error(`${label} (CRASH_SEED=${SEED}):\n${problems.slice(0, 15).join('\n')}`);
    return counts;
  } finally {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) await gateway.kill();
  }
}

describe('the gateway killed with SIGKILL under load, restarted, and the same requests retried', () => {
  console.log(`[crash] seed ${SEED} (reproduce with CRASH_SEED=${SEED}), ${KILLS} kills under load per database`);
  const temp: string[] = [];
  afterAll(() => {
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  function pgliteScenario(): Scenario {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'yb-crash-'));
    temp.push(dir);
    const dataDir = path.join(dir, 'pglite');
    return {
      env: { DATA_DIR: dataDir },
      inspect: async (fn) => {
        const db = await openPglite(dataDir);
        try {
          return await fn(db);
        } finally {
          await db.close();
        }
      },
    };
  }

  it(
    'on a PGlite data directory: every answer given before a kill is given again, lost answers are retried once, and nothing is half written',
    async () => {
      const scenario = pgliteScenario();
      const counts = await runCrashScenario(scenario, 'PGlite', seededRandom(SEED), { startupKill: true });
      expect(counts.kills).toBe(KILLS + 1);
      expect(counts.lostInFlight).toBeGreaterThan(0);
      expect(counts.answeredBeforeKill).toBeGreaterThan(0);
    },
    TIMEOUT,
  );

  it.skipIf(!pgAvailable)(
    'on PostgreSQL: every answer given before a kill is given again, lost answers are retried once, and nothing is half written',
    async () => {
      const handle = await freshPostgres(2);
      try {
        const scenario: Scenario = { env: { DATABASE_URL: handle.url }, inspect: (fn) => fn(handle.db) };
        const counts = await runCrashScenario(scenario, 'PostgreSQL', seededRandom(SEED + 1), { startupKill: false });
        expect(counts.kills).toBe(KILLS + 1);
        expect(counts.lostInFlight).toBeGreaterThan(0);
      } finally {
        await handle.drop();
      }
    },
    TIMEOUT,
  );
  it(
    'a second gateway on the same PGlite data directory refuses to start while the first one runs, and takes over once that one is killed',
    async () => {
      // Two PGlite instances on one directory each keep their own buffers and overwrite each
      // other's pages: commits of both are acknowledged and some are silently lost.
      const scenario = pgliteScenario();
      const first = await startGateway({ ...scenario.env, ADMIN_KEY });
      try {
        const second = startGateway({ ...scenario.env, ADMIN_KEY }, 60_000);
        const refused = await second.then(
          async (g) => {
            await g.kill();
            return 'started';
          },
          (error: Error) => error.message,
        );
        expect(refused).toMatch(/exited during start/);
        expect(refused).toMatch(/in use by process \d+/);
        // The first one still answers.
        expect(await ok(first.base, 'setPolicy', { scope: '11', maxRelatives: 9 }, ADMIN_KEY)).toMatchObject({ policy: { maxRelatives: 9 } });
      } finally {
        await first.kill();
      }
      // Killed, it leaves a stale lock behind: the next start takes the directory over.
      const third = await startGateway({ ...scenario.env, ADMIN_KEY });
      try {
        expect(await ok(third.base, 'setPolicy', { scope: '11', maxRelatives: 10 }, ADMIN_KEY)).toMatchObject({ policy: { maxRelatives: 10 } });
      } finally {
        await third.stop();
      }
    },
    150_000,
  );

  if (!pgAvailable) console.warn(`[crash] PostgreSQL is not reachable at ${PG_ADMIN_URL}: the PostgreSQL crash test is SKIPPED.`);
});
