/**
 * 8. Monthly clearing (SPEC 2.11) on PostgreSQL.
 *
 * a. A month with 1,000,000 settlements (95% of them paid by mutual aid) over 31 provinces and
 *    3,100 institutions, one in ten paid across provinces, plus 100,000 of the month before;
 *    refunds of 2% of the month's payments and 5% of the previous month's, made in the month.
 *    Bulk-loaded in SQL (`generate_series`), then VACUUM (ANALYZE). Timed: the live statement of
 *    the month (the use case, clock inside the month), the closing call (computed and stored
 *    once), and a closed month answered as stored. The statement's query runs under
 *    EXPLAIN (ANALYZE, BUFFERS): it must read the covering indexes of migration 0006.
 * b. What migration 0006 costs a settlement: the settle benchmark's population and load
 *    (bench/settle-pg.ts), interleaved slices with 0006's trigger and index, and without them
 *    (trigger disabled, index dropped for the slice), same run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { openPg } from '../server/db/pg';
import clearingMigration from '../server/db/migrations/0006_clearing';
import { ManualClock } from '../server/platform/clock';
import { clearingRowsQuery } from '../server/store/clearing';
import { clearingStatement, shanghaiMonthRange } from '../server/usecases/clearing';
import { settle } from '../server/usecases/settle';
import { interleave, type Arm } from './lib/interleave';
import { log, ms, QUICK } from './lib/options';
import { freshPgDatabase, keepConnections } from './lib/pg';
import { waitForQuiet } from './lib/quiet';
import { benchApp } from './lib/seed';
import { round, summarize } from './lib/stats';
import { openSettleEnv, settleArm, type SettleEnv } from './settle-pg';

const MONTH = '2026-10';
const PREVIOUS = '2026-09';
const SETTLEMENTS = QUICK ? 100_000 : 1_000_000;
const PREVIOUS_SETTLEMENTS = SETTLEMENTS / 10;
const FAMILIES = QUICK ? 20_000 : 200_000;
const PER_PROVINCE = 100;
/** The 31 mainland provinces, most populous first (the spread of families leans towards them). */
const PROVINCES = [
  '44', '37', '41', '51', '32', '13', '43', '33', '34', '42', '45', '53', '36', '21', '35', '61', '23', '14', '52', '50',
  '22', '62', '15', '65', '11', '31', '12', '46', '64', '63', '54',
];

/** A fixed uuid from text (md5), so families need no lookup table. */
const uuidOf = (prefix: string, expr: string) => `md5('${prefix}' || ${expr})::uuid`;
/** Family g's province index: skewed towards the populous provinces. */
const provinceIndex = (g: string) => `least(30, floor(31 * power(((${g}::bigint * 2654435761) % 4294967296)::float8 / 4294967296, 1.4)))::int`;

async function bulkLoad(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Straight into the tables: no triggers (sharer_region is written here, as the trigger would).
    await client.query('SET session_replication_role = replica');
    await client.query(`CREATE UNLOGGED TABLE bench_families AS
      SELECT g, ${uuidOf('s', 'g')} AS sharer_id, ${uuidOf('r', 'g')} AS relative_id, ${uuidOf('b', 'g')} AS binding_id,
             ($1::text[])[1 + ${provinceIndex('g')}] || '0100' AS region
      FROM generate_series(1, ${FAMILIES}) g`, [PROVINCES]);
    await client.query(`INSERT INTO persons (person_id, id_digest, id_masked, name, birth_date, sex, insurance_type, status, pooling_region, created_at, updated_at)
      SELECT id, 'bench-' || id, left(region, 4) || '**********' || lpad((g % 10000)::text, 4, '0'), '清算' || g,
             date '1960-01-01' + (g % 9000), CASE WHEN g % 2 = 0 THEN 'male' ELSE 'female' END, kind, 'active', region, now(), now()
      FROM (SELECT g, sharer_id AS id, region, 'employee' AS kind FROM bench_families
            UNION ALL SELECT g, relative_id, region, 'resident' FROM bench_families) x`);
    await client.query(`INSERT INTO bindings (binding_id, sharer_id, relative_id, relationship, status, created_at, confirmed_at)
      SELECT binding_id, sharer_id, relative_id, 'child', 'active', now() - interval '2 years', now() - interval '2 years' FROM bench_families`);
    await client.query(`INSERT INTO institutions (code, name, kind, key_digest, created_at, updated_at, region)
      SELECT 'H' || p || '0100' || lpad(k::text, 5, '0'), '清算压测医院' || p || k, 'hospital', 'not-a-key', now(), now(), p || '0100'
      FROM unnest($1::text[]) p, generate_series(1, ${PER_PROVINCE}) k`, [PROVINCES]);
    // n → a family, an institution (nine in ten in the sharer's own province), an amount, an instant in the month.
    const insertMonth = (tag: string, count: number, month: string) => {
      const { from, to } = shanghaiMonthRange(month);
      return client.query(`INSERT INTO settlements (settlement_id, institution_code, serial_no, request_hash, patient_id, kind, amount_fen,
          self_pay_fen, mulaid_pay_fen, cash_pay_fen, mulaid_failure, binding_id, sharer_id, mulaid_entry_id, response, created_at, sharer_region)
        SELECT gen_random_uuid(), 'H' || COALESCE(($3::text[])[x.other], left(f.region, 2)) || '0100' || lpad(x.k::text, 5, '0'),
               '${tag}' || x.n, md5('${tag}' || x.n), f.relative_id,
               (ARRAY['outpatient', 'pharmacy', 'inpatient'])[1 + x.n % 3], x.amount, 0,
               CASE WHEN x.refused THEN 0 ELSE x.amount END, CASE WHEN x.refused THEN x.amount ELSE 0 END,
               CASE WHEN x.refused THEN 'INSUFFICIENT_BALANCE' END,
               CASE WHEN x.refused THEN NULL ELSE f.binding_id END, CASE WHEN x.refused THEN NULL ELSE f.sharer_id END,
               CASE WHEN x.refused THEN NULL ELSE gen_random_uuid() END,
               jsonb_build_object('settlementId', x.n, 'selfAcctPay', 0, 'acctMulaidPay', CASE WHEN x.refused THEN 0 ELSE x.amount END,
                 'acctPay', CASE WHEN x.refused THEN 0 ELSE x.amount END, 'cashPay', CASE WHEN x.refused THEN x.amount ELSE 0 END,
                 'mulaidFailure', CASE WHEN x.refused THEN 'INSUFFICIENT_BALANCE' END),
               $1::timestamptz + (($2::timestamptz - $1::timestamptz) * ((x.n - 0.5) / ${count})),
               CASE WHEN x.refused THEN NULL ELSE f.region END
        FROM (SELECT n, 1 + (n::bigint * 40503) % ${FAMILIES} AS g, 100 + (n::bigint * 104729) % 29900 AS amount, n % 20 = 0 AS refused,
                     CASE WHEN n % 10 = 3 THEN 1 + ((n::bigint * 7919) % 31)::int END AS other,
                     1 + (n::bigint * 15485863) % ${PER_PROVINCE} AS k
              FROM generate_series(1, ${count}) n) x
        JOIN bench_families f ON f.g = x.g`, [from, to, PROVINCES]);
    };
    await insertMonth('P', PREVIOUS_SETTLEMENTS, PREVIOUS);
    await insertMonth('S', SETTLEMENTS, MONTH);
    // Refunds made in the month: half of one payment in fifty of this month (a day later, some of
    // them spilling into the next month), and a third of one in twenty of the month before.
    const { from, to } = shanghaiMonthRange(MONTH);
    await client.query(`INSERT INTO refunds (refund_id, institution_code, refund_serial_no, request_hash, settlement_id, amount_fen,
        to_mulaid_fen, to_self_fen, response, created_at, sharer_region)
      SELECT gen_random_uuid(), s.institution_code, 'R' || s.serial_no, md5('R' || s.serial_no), s.settlement_id, r.fen, r.fen, 0,
             jsonb_build_object('toMulaid', r.fen, 'toSelf', 0),
             CASE WHEN s.created_at < $1 THEN $1 + (s.created_at - ($1 - ($2 - $1))) ELSE s.created_at + interval '1 day' END,
             s.sharer_region
      FROM settlements s
      CROSS JOIN LATERAL (SELECT CASE WHEN s.created_at < $1 THEN s.mulaid_pay_fen / 3 ELSE s.mulaid_pay_fen / 2 END AS fen) r
      WHERE s.mulaid_pay_fen > 0 AND (
        (s.serial_no LIKE 'S%' AND substr(s.serial_no, 2)::int % 50 = 7) OR (s.serial_no LIKE 'P%' AND substr(s.serial_no, 2)::int % 20 = 9))`,
      [from, to]);
    await client.query(`UPDATE settlements s SET mulaid_refunded_fen = r.to_mulaid_fen FROM refunds r WHERE r.settlement_id = s.settlement_id`);
    await client.query('DROP TABLE bench_families');
  } finally {
    await client.end();
  }
}

async function explain(db: { query: <R>(sql: string, params?: readonly (Date | string)[]) => Promise<R[]> }, sql: string, params: readonly Date[]) {
  const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  const execution = /Execution Time: ([0-9.]+) ms/.exec(text);
  return { text, ms: execution ? Number(execution[1]) : Number.NaN };
}

export async function benchClearingMonth(): Promise<{ figures: Record<string, number>; report: Record<string, unknown> }> {
  const database = await freshPgDatabase();
  const db = openPg(database.url, 4);
  try {
    const { from, to } = shanghaiMonthRange(MONTH);
    const clock = new ManualClock(new Date(to.getTime() - 3_600_000)); // the month's last hour: live
    const app = await benchApp(db, { clock });
    const t0 = Date.now();
    await bulkLoad(database.url);
    const loadedAt = Date.now();
    await db.exec('VACUUM (ANALYZE)');
    const counts = (
      await db.query<{ settlements: bigint; mulaid: bigint; refunds: bigint; pairs: bigint; cross: bigint }>(
        `SELECT (SELECT count(*) FROM settlements WHERE created_at >= $1 AND created_at < $2) AS settlements,
                (SELECT count(*) FROM settlements WHERE created_at >= $1 AND created_at < $2 AND mulaid_pay_fen > 0) AS mulaid,
                (SELECT count(*) FROM refunds WHERE created_at >= $1 AND created_at < $2) AS refunds,
                (SELECT count(DISTINCT (left(s.sharer_region, 2), left(i.region, 2))) FROM settlements s JOIN institutions i ON i.code = s.institution_code
                 WHERE s.created_at >= $1 AND s.created_at < $2 AND s.mulaid_pay_fen > 0) AS pairs,
                (SELECT count(*) FROM settlements s JOIN institutions i ON i.code = s.institution_code
                 WHERE s.created_at >= $1 AND s.created_at < $2 AND s.mulaid_pay_fen > 0 AND left(s.sharer_region, 2) <> left(i.region, 2)) AS cross`,
        [from, to],
      )
    )[0]!;
    log(
      `clearing: ${counts.settlements} settlements in ${MONTH} (${counts.mulaid} mutual aid, ${counts.cross} across provinces, ${counts.pairs} pairs), ` +
        `${counts.refunds} refunds; loaded in ${((loadedAt - t0) / 1000).toFixed(1)} s, VACUUM ANALYZE ${((Date.now() - loadedAt) / 1000).toFixed(1)} s`,
    );
    await waitForQuiet('clearing');

    // The live statement (the month not yet over), through the use case.
    const live: number[] = [];
    let statement = await clearingStatement(app, { month: MONTH });
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      statement = await clearingStatement(app, { month: MONTH });
      live.push(performance.now() - started);
    }
    const liveSummary = summarize(live);
    // Its total against a plain sum over the tables (no index, no grouping by pair).
    const plain = (
      await db.query<{ net: bigint }>(
        `SELECT (SELECT COALESCE(sum(mulaid_pay_fen), 0) FROM settlements WHERE created_at >= $1 AND created_at < $2)
              - (SELECT COALESCE(sum(to_mulaid_fen), 0) FROM refunds WHERE created_at >= $1 AND created_at < $2) AS net`,
        [from, to],
      )
    )[0]!.net;
    if (BigInt(statement.totalFen) !== BigInt(plain)) throw new Error(`statement total ${statement.totalFen} ≠ the tables' ${plain}`);

    const query = clearingRowsQuery(from, to);
    const plan = await explain(db, query.sql, query.params);
    const usesSettlementIndex = /Index Only Scan using settlements_clearing/.test(plan.text);
    const usesRefundIndex = /Index (Only )?Scan using refunds_clearing/.test(plan.text);

    // The month closes: computed and stored once, then answered as stored.
    clock.set(new Date(to.getTime() + 86_400_000));
    const closeStarted = performance.now();
    const closed = await clearingStatement(app, { month: MONTH });
    const closeMs = performance.now() - closeStarted;
    if (!closed.closed || closed.totalFen !== statement.totalFen) throw new Error('the closed statement differs from the live one');
    const stored: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await clearingStatement(app, { month: MONTH });
      stored.push(performance.now() - started);
    }
    const storedSummary = summarize(stored);
    log(
      `clearing: live statement p50 ${liveSummary.p50.toFixed(0)} ms (max ${liveSummary.max.toFixed(0)}), closing ${closeMs.toFixed(0)} ms, ` +
        `stored p50 ${storedSummary.p50.toFixed(1)} ms; ${statement.rows.length} rows, total ${statement.totalFen} fen; ` +
        `plan: settlements_clearing ${usesSettlementIndex ? 'index only' : 'NOT USED'}, refunds_clearing ${usesRefundIndex ? 'used' : 'NOT USED'}`,
    );
    const figures = {
      clearing_1m_statement_p50_ms: round(liveSummary.p50),
      clearing_1m_statement_max_ms: round(liveSummary.max),
      clearing_1m_close_ms: round(closeMs),
      clearing_1m_stored_p50_ms: round(storedSummary.p50),
      clearing_1m_explain_ms: round(plan.ms),
      clearing_1m_plan_uses_index: usesSettlementIndex ? 1 : 0,
      clearing_1m_plan_refunds_index: usesRefundIndex ? 1 : 0,
    };
    return {
      figures,
      report: {
        month: MONTH,
        settlementsInMonth: Number(counts.settlements),
        mutualAidInMonth: Number(counts.mulaid),
        acrossProvinces: Number(counts.cross),
        refundsInMonth: Number(counts.refunds),
        provincePairs: Number(counts.pairs),
        institutions: PROVINCES.length * PER_PROVINCE,
        rows: statement.rows.length,
        totalFen: Number(statement.totalFen),
        liveMs: live.map(round),
        closeMs: round(closeMs),
        storedP50Ms: round(storedSummary.p50),
        query: query.sql.trim(),
        plan: plan.text.split('\n'),
      },
    };
  } finally {
    await db.close().catch(() => undefined);
    await database.drop();
  }
}

/** 0006's index on settlements, from the migration itself. */
const CLEARING_INDEX = (clearingMigration as readonly string[]).find((sql) => sql.includes('CREATE INDEX settlements_clearing'))!;

/** The settle benchmark's load without migration 0006's work: trigger disabled, index dropped, for the slice. */
function settleWithoutClearingArm(env: SettleEnv): Arm {
  const arm = settleArm(env, settle, 'settle_without_clearing');
  return {
    name: arm.name,
    slice: async (durationMs, index) => {
      await env.app.db.exec('ALTER TABLE settlements DISABLE TRIGGER settlements_sharer_region');
      await env.app.db.exec('DROP INDEX settlements_clearing');
      try {
        return await arm.slice(durationMs, index);
      } finally {
        await env.app.db.exec(CLEARING_INDEX);
        await env.app.db.exec('ALTER TABLE settlements ENABLE TRIGGER settlements_sharer_region');
      }
    },
  };
}

export async function benchClearingSettleCost(): Promise<Record<string, number>> {
  const env = await openSettleEnv();
  keepConnections(env.app.db);
  try {
    await waitForQuiet('clearing settle');
    await settleArm(env, settle, 'warm').slice(ms(2_000), 0);
    const results = await interleave([settleArm(env, settle, 'settle'), settleWithoutClearingArm(env)], { rounds: 6, sliceMs: ms(3_000) });
    const withIt = results.get('settle')!;
    const without = results.get('settle_without_clearing')!;
    const stamped = (
      await env.app.db.query<{ missing: bigint }>(`SELECT count(*) AS missing FROM settlements WHERE mulaid_pay_fen > 0 AND sharer_region IS NULL`)
    )[0]!.missing;
    log(`clearing: settle with 0006 ${Math.round(withIt.rate)}/s, without ${Math.round(without.rate)}/s (${stamped} unstamped rows, from the slices without the trigger)`);
    return {
      clearing_settle_with_0006_tps: round(withIt.rate),
      clearing_settle_with_0006_p99_ms: round(withIt.latency.p99),
      clearing_settle_without_0006_tps: round(without.rate),
      clearing_settle_without_0006_p99_ms: round(without.latency.p99),
      clearing_settle_0006_ratio: Math.round((withIt.rate / without.rate) * 1000) / 1000,
    };
  } finally {
    await env.close();
  }
}

export async function benchClearing(options: { write: boolean }): Promise<{ figures: Record<string, number> }> {
  const month = await benchClearingMonth();
  const settleCost = await benchClearingSettleCost();
  const figures = { ...month.figures, ...settleCost };
  const dir = path.join(__dirname, options.write ? 'results' : '.tmp');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'clearing.json'),
    `${JSON.stringify({ date: new Date().toISOString(), quick: QUICK, figures, ...month.report }, null, 2)}\n`,
  );
  return { figures };
}
