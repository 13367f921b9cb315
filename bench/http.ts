/**
 * 4a. Through the gateway over HTTP (in-process fastify on PostgreSQL, autocannon in a worker
 * thread), 50 connections:
 *  - bindRelative: verified employees alternate a check-3 failure (a wrong check character:
 *    INVALID_ID_NUMBER, answered before any write) and a relative they have already bound
 *    (ALREADY_BOUND: rate-limit upsert, registry lookup, the locking transaction, rollback);
 *  - listRecords: sharers with 100 records each read their first, second and third pages.
 * Each connection is its own user, as on phones.
 */
import { openPg } from '../server/db/pg';
import { listRecords } from '../server/usecases/records';
import { idCheckChar } from '../src/rules/idNumber';
import { apiRequest, startGateway } from './lib/gateway';
import { httpLoad, type AcRequest } from './lib/http-load';
import { log, ms } from './lib/options';
import { freshPgDatabase } from './lib/pg';
import { waitForQuiet } from './lib/quiet';
import { leastDisturbed } from './lib/interference';
import { insertRecordInstitutions, insertSettlementsFor } from './lib/records-seed';
import { benchApp, binding, insertBindings, insertPeople, insertVerifiedUsers, makePeople } from './lib/seed';
import { round } from './lib/stats';

export const HTTP_CONNECTIONS = 50;
/** Connection counts measured between 1 and 50, for where the p99 crosses the target. */
const SWEEP_CONNECTIONS = [2, 4, 8, 16] as const;
const USERS = 200;

/** A well-formed-looking number whose check character is wrong (SPEC 2.1 check 3). */
function wrongCheckChar(idNumber: string): string {
  const right = idCheckChar(idNumber.slice(0, 17));
  const wrong = right === '0' ? '1' : '0';
  return `${idNumber.slice(0, 17)}${wrong}`;
}

export async function benchHttp(): Promise<Record<string, number>> {
  const database = await freshPgDatabase();
  const db = openPg(database.url, 16);
  let gateway: Awaited<ReturnType<typeof startGateway>> | undefined;
  try {
    const app = await benchApp(db);
    const sharers = makePeople(USERS, { baseDate: '1960-01-01', insuranceType: 'employee', tag: '网关', balanceFen: () => 10_000_000 });
    const relatives = makePeople(USERS, { baseDate: '1995-01-01', insuranceType: 'resident', tag: '网关亲属' });
    await insertPeople(app, [...sharers, ...relatives]);
    const bindings = sharers.map((s, i) => binding(s, relatives[i]!, new Date(Date.now() - 86_400_000 * 400 - i * 1000)));
    await insertBindings(app, bindings);
    const users = await insertVerifiedUsers(app, sharers);
    const institutions = await insertRecordInstitutions(app);
    await insertSettlementsFor(app.db, {
      bindingIds: bindings.map((b) => b.bindingId),
      perBinding: 100,
      newest: new Date(),
      spacingSeconds: 3 * 86_400,
      institutions,
      tag: 'http',
    });
    await db.exec('VACUUM (ANALYZE)');

    gateway = await startGateway(app);
    const bindPlan: AcRequest[][] = users.map((user, i) => [
      apiRequest('bindRelative', { name: relatives[i]!.name, idNumber: wrongCheckChar(relatives[i]!.idNumber), relationship: 'child' }, user.token),
      apiRequest('bindRelative', { name: relatives[i]!.name, idNumber: relatives[i]!.idNumber, relationship: 'child' }, user.token),
    ]);
    const recordsPlan: AcRequest[][] = [];
    for (const user of users) {
      const caller = { kind: 'user', userId: user.userId, phone: '', personId: user.person.personId, sessionId: null, openid: null } as const;
      const first = await listRecords(app, caller, {});
      const second = first.nextCursor ? await listRecords(app, caller, { cursor: first.nextCursor }) : undefined;
      recordsPlan.push([
        apiRequest('listRecords', {}, user.token),
        apiRequest('listRecords', { cursor: first.nextCursor }, user.token),
        apiRequest('listRecords', { cursor: second?.nextCursor }, user.token),
      ]);
    }

    const run = async (label: string, plan: AcRequest[][], expect: RegExp) => {
      await httpLoad({ url: gateway!.url, connections: HTTP_CONNECTIONS, seconds: Math.max(1, ms(2_000) / 1000), plan, expect });
      await waitForQuiet(label);
      log(`${label}: ${HTTP_CONNECTIONS} connections, ${ms(10_000) / 1000} s…`);
      const disturbed = await leastDisturbed(label, () =>
        httpLoad({ url: gateway!.url, connections: HTTP_CONNECTIONS, seconds: Math.max(1, ms(10_000) / 1000), plan, expect }),
      );
      const result = disturbed.result;
      log(`${label}: ${JSON.stringify({ rps: round(result.rps), ...result.latency, ac_p99: result.autocannonP99, status: result.statusCodes, mismatches: result.mismatches, errors: result.errors })}`);
      // One connection: the time of one request without queueing behind 49 others. (autocannon's
      // rate limit sends each second's quota in a burst, so a "fixed rate" run queues as much.)
      const one = await httpLoad({ url: gateway!.url, connections: 1, seconds: Math.max(1, ms(5_000) / 1000), plan, expect });
      log(`${label}, 1 connection: ${JSON.stringify({ rps: round(one.rps), ...one.latency })}`);
      // Between the two: where the p99 leaves 10 ms on this machine.
      const sweep: Record<number, { rps: number; p99: number }> = {};
      for (const connections of SWEEP_CONNECTIONS) {
        const r = await httpLoad({ url: gateway!.url, connections, seconds: Math.max(1, ms(4_000) / 1000), plan, expect });
        sweep[connections] = { rps: r.rps, p99: r.latency.p99 };
        log(`${label}, ${connections} connections: ${JSON.stringify({ rps: round(r.rps), ...r.latency })}`);
      }
      return { ...result, one, sweep, foreignCores: disturbed.foreignCores };
    };
    const bind = await run('bindRelative', bindPlan, /"code":"(INVALID_ID_NUMBER|ALREADY_BOUND)"/);
    const records = await run('listRecords', recordsPlan, /^\{"ok":true,"data":\{"items":\[\{/);
    return {
      bind_http_rps: round(bind.rps),
      bind_http_p50_ms: round(bind.latency.p50),
      bind_http_p99_ms: round(bind.latency.p99),
      bind_http_unexpected_answers: bind.mismatches + bind.errors + bind.timeouts,
      bind_http_1conn_p50_ms: round(bind.one.latency.p50),
      bind_http_1conn_p99_ms: round(bind.one.latency.p99),
      bind_http_foreign_cores: round(bind.foreignCores),
      records_http_rps: round(records.rps),
      records_http_p50_ms: round(records.latency.p50),
      records_http_p99_ms: round(records.latency.p99),
      records_http_unexpected_answers: records.mismatches + records.errors + records.timeouts,
      records_http_1conn_p50_ms: round(records.one.latency.p50),
      records_http_1conn_p99_ms: round(records.one.latency.p99),
      records_http_foreign_cores: round(records.foreignCores),
      ...Object.fromEntries(
        (['bind', 'records'] as const).flatMap((name) => {
          const sweep = (name === 'bind' ? bind : records).sweep;
          return SWEEP_CONNECTIONS.flatMap((c) => [
            [`${name}_http_c${c}_rps`, round(sweep[c]!.rps)],
            [`${name}_http_c${c}_p99_ms`, round(sweep[c]!.p99)],
          ]);
        }),
      ),
    };
  } finally {
    await gateway?.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    await database.drop();
  }
}
