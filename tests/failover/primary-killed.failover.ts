import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openPg } from '../../server/db/pg';
import type { Db, Queryable } from '../../server/db/port';
import { post, settlementWorld } from '../availability/support';
import { databaseInvariants } from '../reliability/model/invariants';
import type { TestPerson } from '../support/harness';

/**
 * SPEC 2.13, measured: PostgreSQL with a synchronous standby under pg_auto_failover
 * (scripts/failover/formation.sh), the gateway on a multi-host DATABASE_URL with
 * target_session_attrs=read-write. Under settlement load the primary dies (its postmaster and
 * its pg_autoctl, SIGKILL); pg_auto_failover promotes the standby. Each client retries an
 * UNAVAILABLE answer with the same serial number. Then: every acknowledged settlement is on the
 * new primary, none twice, the ledger invariants hold, the gateway served on without a restart.
 * Figures: bench/results/failover.json (and docs/RELIABILITY.md).
 *
 * `npm run test:failover`. FAILOVER_FORMATION=<dir>: use a formation already started there.
 */
const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const SCRIPT = path.join(ROOT, 'scripts/failover/formation.sh');
const WORKERS = 8;
const LOAD_BEFORE_KILL_MS = 3_000;
const LOAD_AFTER_RECOVERY_MS = 3_000;
/** Generous bound for the promotion (measured: seconds); past it the test fails. */
const RECOVERY_BOUND_MS = 90_000;

function skipReason(): string | undefined {
  if (process.env.FAILOVER_FORMATION) return undefined;
  if (spawnSync('sh', ['-c', 'command -v pg_autoctl']).status !== 0) return 'pg_autoctl is not installed (postgresql-15-auto-failover; scripts/ensure-test-deps.sh)';
  if (process.getuid?.() !== 0) return 'the formation runs as the postgres OS user through runuser: run as root';
  return undefined;
}
const SKIP = skipReason();
if (SKIP) console.log(`[failover] skipped: ${SKIP}`);

function readEnv(dir: string): Record<string, string> {
  const text = readFileSync(path.join(dir, 'formation.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^'|'$/g, '')]),
  );
}

interface Bill {
  serialNo: string;
  patientIdNumber: string;
  amountFen: number;
  attempts: number;
  unavailable: number;
  /** The acknowledged answer and when it came. */
  ok?: { settlementId: string; at: number; sentAt: number };
  other?: string;
}

describe.skipIf(SKIP !== undefined)('failover of PostgreSQL under settlement load (pg_auto_failover, synchronous standby)', () => {
  const own = !process.env.FAILOVER_FORMATION;
  const dir = process.env.FAILOVER_FORMATION ?? mkdtempSync('/tmp/yb-failover-');
  let env: Record<string, string>;
  let db: Db;
  let server: FastifyInstance;
  let base: string;
  let key: string;
  let patients: TestPerson[];
  const startedAt = Date.now();
  let formationSeconds = 0;

  beforeAll(async () => {
    if (own) {
      const t0 = Date.now();
      execFileSync('bash', [SCRIPT, 'start', dir], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 300_000 });
      formationSeconds = (Date.now() - t0) / 1000;
      console.log(`[failover] formation started in ${formationSeconds.toFixed(1)} s`);
    }
    env = readEnv(dir);
    db = openPg(env.DATABASE_URL!, 8, { timeouts: loadConfig({ APP_ENV: 'development' }).database });
    ({ patients, key, server, base } = await settlementWorld(db, 50_000_000));
  }, 400_000);

  afterAll(async () => {
    await server?.close();
    await db?.close().catch(() => undefined);
    if (own) spawnSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit', timeout: 60_000 });
  });

  it('every acknowledged settlement survives the primary’s death, none is applied twice, the gateway serves on', async () => {
    const bills: Bill[] = [];
    let serial = 0;
    // eslint-disable-next-line prefer-const -- the workers above read it before the kill sets it, once
    let killedAt: number | undefined;
    let recoveredAt: number | undefined;
    let stopAt = Number.POSITIVE_INFINITY;

    const workers = Array.from({ length: WORKERS }, async () => {
      while (Date.now() < stopAt) {
        serial += 1;
        const bill: Bill = {
          serialNo: `FO-${serial}`,
          patientIdNumber: patients[serial % patients.length]!.idNumber,
          amountFen: 100 + (serial % 40) * 25,
          attempts: 0,
          unavailable: 0,
        };
        bills.push(bill);
        // The client retries UNAVAILABLE (and a lost answer) with the same serial number.
        for (;;) {
          bill.attempts += 1;
          const sentAt = Date.now();
          const outcome = await post(base, 'settle', { serialNo: bill.serialNo, patientIdNumber: bill.patientIdNumber, kind: 'outpatient', amountFen: bill.amountFen }, key);
          const answer = outcome.envelope;
          if (answer?.ok) {
            bill.ok = { settlementId: answer.data.settlementId, at: Date.now(), sentAt };
            if (killedAt !== undefined && (recoveredAt === undefined || bill.ok.at < recoveredAt) && sentAt > killedAt) {
              recoveredAt = bill.ok.at;
              stopAt = Math.min(stopAt, recoveredAt + LOAD_AFTER_RECOVERY_MS);
            }
            break;
          }
          if (answer && answer.error.code !== 'UNAVAILABLE') {
            bill.other = `${outcome.status} ${answer.error.code}`;
            break;
          }
          bill.unavailable += 1;
          if (killedAt !== undefined && Date.now() - killedAt > RECOVERY_BOUND_MS) {
            bill.other = 'no recovery';
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    });

    await new Promise((resolve) => setTimeout(resolve, LOAD_BEFORE_KILL_MS));
    const acknowledgedBeforeKill = bills.filter((b) => b.ok).length;
    // Asynchronously: the gateway runs in this process and serves on while the script runs.
    const { stdout } = await execFileAsync('bash', [SCRIPT, 'kill-primary', dir], { encoding: 'utf8', timeout: 60_000 });
    const [killed, at] = stdout.trim().split(' ');
    killedAt = Number(at);
    expect(Number.isFinite(killedAt)).toBe(true);
    // Recovery: the first settlement sent after the kill was done that succeeded (one in flight
    // at the kill proves nothing; on a loaded machine the kill itself may take a moment).
    const firstAfter = bills.filter((b) => b.ok && b.ok.sentAt > killedAt!).sort((a, b) => a.ok!.at - b.ok!.at)[0];
    recoveredAt = firstAfter?.ok!.at;
    if (recoveredAt !== undefined) stopAt = recoveredAt + LOAD_AFTER_RECOVERY_MS;
    else stopAt = killedAt + RECOVERY_BOUND_MS + LOAD_AFTER_RECOVERY_MS;
    await Promise.all(workers);

    const acknowledged = bills.filter((b) => b.ok);
    const others = bills.filter((b) => b.other);
    expect(others.map((b) => `${b.serialNo}: ${b.other}`)).toEqual([]);
    expect(recoveredAt, 'no settlement succeeded after the kill').toBeDefined();
    expect(acknowledgedBeforeKill).toBeGreaterThan(0);
    expect(acknowledged.filter((b) => b.ok!.at > recoveredAt!).length).toBeGreaterThan(0);
    // The gateway is the same process and server: it serves, and it is ready.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    // The new primary: the node that is not in recovery.
    const ports = [env.NODE1_PORT!, env.NODE2_PORT!];
    let primary: pg.Client | undefined;
    for (const port of ports) {
      const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/yb`, connectionTimeoutMillis: 3_000 });
      try {
        await client.connect();
        const [row] = (await client.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery')).rows;
        if (row && !row.recovery) {
          primary = client;
          break;
        }
        await client.end();
      } catch {
        await client.end().catch(() => undefined);
      }
    }
    expect(primary, 'no primary after the failover').toBeDefined();
    const newPrimaryPort = primary!.port;
    expect(String(newPrimaryPort)).not.toBe(killed === 'node1' ? env.NODE1_PORT : env.NODE2_PORT);
    let lost = 0;
    try {
      const q: Queryable = { query: async <R,>(sql: string, params: readonly unknown[] = []) => (await primary!.query(sql, params as unknown[])).rows as R[] };
      const rows = await q.query<{ serial_no: string; settlement_id: string; n: string }>(
        `SELECT serial_no, min(settlement_id::text) AS settlement_id, count(*)::text AS n FROM settlements WHERE serial_no LIKE 'FO-%' GROUP BY serial_no`,
      );
      const stored = new Map(rows.map((row) => [row.serial_no, row]));
      for (const bill of acknowledged) {
        const row = stored.get(bill.serialNo);
        if (!row) lost += 1;
        else {
          expect(row.n, bill.serialNo).toBe('1');
          expect(row.settlement_id, bill.serialNo).toBe(bill.ok!.settlementId);
        }
      }
      expect(await databaseInvariants(q)).toEqual([]);
    } finally {
      await primary!.end();
    }
    expect(lost).toBe(0);

    // When pg_auto_failover reported the standby promoted (its monitor's events), to tell its
    // share of the recovery from the gateway's.
    let promotedAfterKill: number | null = null;
    const monitor = new pg.Client({ connectionString: `postgres://autoctl_node@127.0.0.1:${env.MONITOR_PORT}/pg_auto_failover`, connectionTimeoutMillis: 5_000 });
    try {
      await monitor.connect();
      const [row] = (
        await monitor.query<{ ms: string | null }>(
          `SELECT (extract(epoch FROM min(eventtime)) * 1000)::bigint::text AS ms FROM pgautofailover.event
           WHERE nodename <> $1 AND reportedstate IN ('wait_primary', 'primary') AND eventtime > to_timestamp($2 / 1000.0)`,
          [killed, killedAt],
        )
      ).rows;
      if (row?.ms) promotedAfterKill = Number(((Number(row.ms) - killedAt) / 1000).toFixed(2));
    } catch (error) {
      console.log(`[failover] the monitor's events could not be read: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await monitor.end().catch(() => undefined);
    }

    const figures = {
      measuredAt: new Date().toISOString(),
      setup: 'pg_auto_failover 2.0 (Debian bookworm postgresql-15-auto-failover): monitor + 2 PostgreSQL 15 nodes on one machine',
      synchronousStandbyNames: env.SYNCHRONOUS_STANDBY_NAMES,
      synchronousCommit: 'on',
      databaseUrl: 'postgres://postgres@127.0.0.1:<node1>,127.0.0.1:<node2>/yb?target_session_attrs=read-write',
      workers: WORKERS,
      killed: `${killed}: postmaster and pg_autoctl, SIGKILL`,
      settlements: bills.length,
      acknowledged: acknowledged.length,
      acknowledgedBeforeKill,
      lost,
      appliedTwice: 0,
      retriedAfterUnavailable: bills.filter((b) => b.unavailable > 0).length,
      secondsFromKillToFirstSuccess: Number(((recoveredAt! - killedAt) / 1000).toFixed(2)),
      secondsFromKillToPromotionReported: promotedAfterKill,
      loadAverageAtEnd: Number(os.loadavg()[0]!.toFixed(1)),
      formationStartSeconds: own ? Number(formationSeconds.toFixed(1)) : null,
      testWallSeconds: Number(((Date.now() - startedAt) / 1000).toFixed(1)),
    };
    console.log(`[failover] ${JSON.stringify(figures, null, 2)}`);
    const out = path.join(ROOT, 'bench/results');
    if (!existsSync(out)) mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'failover.json'), `${JSON.stringify(figures, null, 2)}\n`);
  }, 300_000);
});
