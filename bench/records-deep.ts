/**
 * 4b. listRecords with 1,000,000 settlements in the database: 19,800 families with 50 each
 * (one in ten refused, cash only) and one sharer with eight relatives and 10,000 mutual-aid
 * records. Bulk-loaded in SQL, then VACUUM (ANALYZE). The sharer pages deep into the list by
 * cursor (pages 250–500 of 20) over HTTP, 50 connections; also one caller of the use case
 * directly. The page query and the totals query that listRecords really sends (captured from
 * the Db) are run under EXPLAIN (ANALYZE, BUFFERS); the plans go to bench/results/records-plan.txt.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { App } from '../server/app';
import { openPg } from '../server/db/pg';
import type { Db, Queryable, SqlParam } from '../server/db/port';
import { listRecords } from '../server/usecases/records';
import { apiRequest, startGateway } from './lib/gateway';
import { httpLoad, type AcRequest } from './lib/http-load';
import { log, ms, QUICK } from './lib/options';
import { freshPgDatabase } from './lib/pg';
import { waitForQuiet } from './lib/quiet';
import { leastDisturbed } from './lib/interference';
import { insertRecordInstitutions, insertSettlementsFor } from './lib/records-seed';
import { benchApp, binding, insertBindings, insertPeople, insertVerifiedUsers, makePeople } from './lib/seed';
import { round, summarize } from './lib/stats';

/** --quick loads a tenth (100,000 settlements), for a smoke run. */
const BACKGROUND_FAMILIES = QUICK ? 1_980 : 19_800;
const PER_FAMILY = 50;
const HOT_RELATIVES = 8;
const HOT_PER_RELATIVE = 1_250;
const PAGE = 20;

/** A session for the bulk load, without foreign-key triggers (verified afterwards). */
async function bulkSession(url: string): Promise<Queryable & { end: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('SET session_replication_role = replica');
  return {
    query: async <R>(sql: string, params: readonly SqlParam[] = []) => (await client.query(sql, params as unknown[])).rows as R[],
    end: () => client.end(),
  };
}

/** Rows of settlements whose foreign keys point nowhere (0001_init's REFERENCES). */
async function foreignKeyOrphans(app: App): Promise<number> {
  const rows = await app.db.query<{ n: bigint }>(
    `SELECT (SELECT count(*) FROM settlements s WHERE NOT EXISTS (SELECT 1 FROM institutions i WHERE i.code = s.institution_code))
          + (SELECT count(*) FROM settlements s WHERE NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = s.patient_id))
          + (SELECT count(*) FROM settlements s WHERE s.binding_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM bindings b WHERE b.binding_id = s.binding_id))
          + (SELECT count(*) FROM settlements s WHERE s.sharer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.person_id = s.sharer_id))
          + (SELECT count(*) FROM settlements s JOIN bindings b ON b.binding_id = s.binding_id WHERE b.sharer_id <> s.sharer_id OR b.relative_id <> s.patient_id)
       AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

function capturing(db: Db, seen: Array<{ sql: string; params: readonly SqlParam[] }>): Db {
  return {
    ...db,
    query: async <R>(sql: string, params: readonly SqlParam[] = []) => {
      seen.push({ sql, params });
      return db.query<R>(sql, params);
    },
  };
}

async function explain(app: App, sql: string, params: readonly SqlParam[]): Promise<{ text: string; ms: number }> {
  const rows = await app.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  const text = rows.map((r) => r['QUERY PLAN']).join('\n');
  const execution = /Execution Time: ([0-9.]+) ms/.exec(text);
  return { text, ms: execution ? Number(execution[1]) : Number.NaN };
}

export async function benchRecordsDeep(options: { writePlan: boolean }): Promise<{ figures: Record<string, number> }> {
  const database = await freshPgDatabase();
  const db = openPg(database.url, 16);
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    const app = await benchApp(db);
    const loadStarted = Date.now();
    const sharers = makePeople(BACKGROUND_FAMILIES, { baseDate: '1960-01-01', insuranceType: 'employee', tag: '记录', balanceFen: () => 1_000_000 });
    const relatives = makePeople(BACKGROUND_FAMILIES, { baseDate: '1995-01-01', insuranceType: 'resident', tag: '记录亲属' });
    const [hot] = makePeople(1, { baseDate: '1950-01-01', insuranceType: 'employee', tag: '深翻页', balanceFen: () => 1_000_000 });
    const hotRelatives = makePeople(HOT_RELATIVES, { baseDate: '2005-01-01', insuranceType: 'resident', tag: '深翻页亲属' });
    await insertPeople(app, [...sharers, ...relatives, hot!, ...hotRelatives]);
    const twoYearsAgo = Date.now() - 2 * 365 * 86_400_000;
    const background = sharers.map((s, i) => binding(s, relatives[i]!, new Date(twoYearsAgo - i * 1000)));
    const hotBindings = hotRelatives.map((r, i) => binding(hot!, r, new Date(twoYearsAgo - i * 1000)));
    await insertBindings(app, [...background, ...hotBindings]);
    const [user] = await insertVerifiedUsers(app, [hot!]);
    const institutions = await insertRecordInstitutions(app);
    const newest = new Date();
    // Two sessions (two cores) load in parallel. They skip the foreign-key triggers
    // (session_replication_role = replica: CHECK, NOT NULL, primary and unique keys still apply);
    // every foreign key is then verified with one anti-join per key below.
    const sessions = await Promise.all([0, 1].map(() => bulkSession(database.url)));
    const chunks: string[][] = [];
    const chunk = 1_980;
    for (let start = 0; start < background.length; start += chunk) chunks.push(background.slice(start, start + chunk).map((b) => b.bindingId));
    const counted = await Promise.all(
      sessions.map(async (session, k) => {
        let n = 0;
        for (let c = k; c < chunks.length; c += sessions.length) {
          n += await insertSettlementsFor(session, { bindingIds: chunks[c]!, perBinding: PER_FAMILY, newest, spacingSeconds: 14 * 86_400, institutions, tag: `bg${c}` });
        }
        if (k === 0) {
          n += await insertSettlementsFor(session, {
            bindingIds: hotBindings.map((b) => b.bindingId),
            perBinding: HOT_PER_RELATIVE,
            newest,
            spacingSeconds: 25_000,
            institutions,
            tag: 'hot',
            failureEvery: 1_000_000,
          });
        }
        return n;
      }),
    );
    await Promise.all(sessions.map((session) => session.end()));
    const orphans = await foreignKeyOrphans(app);
    if (orphans > 0) throw new Error(`bulk load broke ${orphans} foreign keys`);
    const loadedAt = Date.now();
    await db.exec('VACUUM (ANALYZE)');
    const counts = (
      await db.query<{ total: bigint; hot: bigint }>(
        `SELECT count(*) AS total, count(*) FILTER (WHERE sharer_id = $1 AND mulaid_pay_fen > 0) AS hot FROM settlements`,
        [hot!.personId],
      )
    )[0]!;
    log(
      `records: ${counts.total} settlements (${counts.hot} of them the deep sharer's) loaded in ${((loadedAt - loadStarted) / 1000).toFixed(1)} s, VACUUM ANALYZE ${((Date.now() - loadedAt) / 1000).toFixed(1)} s`,
    );

    // Walk the whole list once, collecting every page's cursor.
    const caller = { kind: 'user', userId: user!.userId, phone: '', personId: hot!.personId, sessionId: null, openid: null } as const;
    const cursors: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1_000; page += 1) {
      const result = await listRecords(app, caller, cursor ? { cursor, limit: PAGE } : { limit: PAGE });
      if (!result.nextCursor) break;
      cursors.push(result.nextCursor);
      cursor = result.nextCursor;
    }
    const deep = cursors.slice(Math.floor(cursors.length / 2));
    log(`records: ${cursors.length + 1} pages of ${PAGE}; deep pages ${Math.floor(cursors.length / 2) + 2}…${cursors.length + 1}`);

    // One caller of the use case, deep pages (no queueing).
    const single: number[] = [];
    const singleDeadline = Date.now() + ms(10_000);
    for (let i = 0; i < 600 && Date.now() < singleDeadline; i += 1) {
      const t0 = performance.now();
      await listRecords(app, caller, { cursor: deep[(i * 7) % deep.length], limit: PAGE });
      if (i >= 100) single.push(performance.now() - t0);
    }
    const singleSummary = summarize(single);

    // The first page (it adds up the sharer's total; deeper pages carry it in the cursor).
    const first: number[] = [];
    for (let i = 0; i < 120; i += 1) {
      const t0 = performance.now();
      await listRecords(app, caller, { limit: PAGE });
      if (i >= 20) first.push(performance.now() - t0);
    }
    const firstSummary = summarize(first);

    // The queries listRecords really sends: a page three quarters down the list, and the first page.
    const seen: Array<{ sql: string; params: readonly SqlParam[] }> = [];
    await listRecords({ ...app, db: capturing(app.db, seen) }, caller, { cursor: cursors[Math.floor(cursors.length * 0.75)], limit: PAGE });
    await listRecords({ ...app, db: capturing(app.db, seen) }, caller, { limit: PAGE });
    const pageQuery = seen.find((q) => /ORDER BY s\.created_at DESC/.test(q.sql) && /\(s\.created_at, s\.settlement_id\) </.test(q.sql));
    const totalQuery = seen.find((q) => /sum\(s\.mulaid_pay_fen/.test(q.sql));
    if (!pageQuery || !totalQuery) {
      throw new Error(`listRecords queries not found; has records.ts changed? seen: ${seen.map((q) => q.sql.slice(0, 60)).join(' | ')}`);
    }
    await explain(app, pageQuery.sql, pageQuery.params); // warm
    const pagePlan = await explain(app, pageQuery.sql, pageQuery.params);
    const totalPlan = await explain(app, totalQuery.sql, totalQuery.params);
    const usesIndex = /Index (Only )?Scan (Backward )?using settlements_mulaid_by_sharer/.test(pagePlan.text);
    const planText = [
      `# listRecords page query, ${counts.total} settlements, a sharer with ${counts.hot} records,`,
      `# page ${Math.floor(cursors.length * 0.75) + 2} of ${cursors.length + 1} (limit ${PAGE}), after VACUUM (ANALYZE); written by bench/records-deep.ts on ${new Date().toISOString()}`,
      `# parameters: ${JSON.stringify(pageQuery.params.map((p) => (p instanceof Date ? p.toISOString() : typeof p === 'bigint' ? String(p) : p)))}`,
      pageQuery.sql.replace(/\n\s+/g, '\n  '),
      '',
      pagePlan.text,
      '',
      '# the totals query (first page only: deeper pages carry the total in their cursor)',
      totalQuery.sql.replace(/\n\s+/g, '\n  '),
      '',
      totalPlan.text,
      '',
    ].join('\n');
    const planDir = path.join(__dirname, options.writePlan ? 'results' : '.tmp');
    await mkdir(planDir, { recursive: true });
    await writeFile(path.join(planDir, 'records-plan.txt'), planText);
    log(`records: page query ${pagePlan.ms} ms (index ${usesIndex ? 'used' : 'NOT used'}), totals query ${totalPlan.ms} ms`);

    gateway = await startGateway(app);
    const plan: AcRequest[][] = Array.from({ length: 50 }, (_, c) =>
      Array.from({ length: 10 }, (_, k) => apiRequest('listRecords', { cursor: deep[(c * 10 + k * 13) % deep.length], limit: PAGE }, user!.token)),
    );
    const expect = /^\{"ok":true,"data":\{"items":\[\{/;
    await httpLoad({ url: gateway.url, connections: 50, seconds: Math.max(1, ms(2_000) / 1000), plan, expect });
    await waitForQuiet('records deep');
    log('records: deep pages over HTTP, 50 connections…');
    const disturbed = await leastDisturbed('records deep', () =>
      httpLoad({ url: gateway!.url, connections: 50, seconds: Math.max(1, ms(10_000) / 1000), plan, expect }),
    );
    const http = disturbed.result;
    log(`records deep: ${JSON.stringify({ rps: round(http.rps), ...http.latency, ac_p99: http.autocannonP99, status: http.statusCodes, mismatches: http.mismatches })}`);
    // One connection: the time of one deep page without queueing behind 49 others. (autocannon's
    // rate limit sends each second's quota in a burst, so a "fixed rate" run queues as much.)
    const one = await httpLoad({ url: gateway.url, connections: 1, seconds: Math.max(1, ms(5_000) / 1000), plan, expect });
    log(`records deep, 1 connection: ${JSON.stringify({ rps: round(one.rps), ...one.latency })}`);

    return {
      figures: {
        records_1m_settlements: Number(counts.total),
        records_1m_generated: counted.reduce((a, b) => a + b, 0),
        records_1m_load_s: round((loadedAt - loadStarted) / 1000),
        records_1m_deep_rps: round(http.rps),
        records_1m_deep_p50_ms: round(http.latency.p50),
        records_1m_deep_p99_ms: round(http.latency.p99),
        records_1m_deep_unexpected_answers: http.mismatches + http.errors + http.timeouts,
        records_1m_deep_1conn_p50_ms: round(one.latency.p50),
        records_1m_deep_1conn_p99_ms: round(one.latency.p99),
        records_1m_deep_single_p50_ms: round(singleSummary.p50),
        records_1m_deep_single_p99_ms: round(singleSummary.p99),
        records_1m_first_page_single_p50_ms: round(firstSummary.p50),
        records_1m_first_page_single_p99_ms: round(firstSummary.p99),
        records_1m_page_query_ms: round(pagePlan.ms),
        records_1m_total_query_ms: round(totalPlan.ms),
        records_1m_plan_uses_index: usesIndex ? 1 : 0,
        records_1m_deep_foreign_cores: round(disturbed.foreignCores),
      },
    };
  } finally {
    await gateway?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await database.drop();
  }
}
