import { afterAll, describe, expect, it } from 'vitest';
import type { App } from '../../server/app';
import { openPg } from '../../server/db/pg';
import type { Db } from '../../server/db/port';
import { ManualClock } from '../../server/platform/clock';
import type { ChannelName, NoticeDelivery } from '../../server/platform/noticeChannels';
import { deliverDue, dispatchMessages } from '../../server/workers/notices';
import { openTestDb, pgAvailable } from '../support/adapters';
import { freshPostgres } from '../support/postgres';
import { seededRandom } from '../support/random';
import { CapturingChannel, noticeApp, World } from './support';

/**
 * Two workers (two gateways) on one database, at the same time, over a few hundred messages,
 * with providers that are slow and fail now and then: every delivery ends `sent`, and the
 * providers accepted each delivery exactly once. On PostgreSQL each worker has its own pool,
 * so the claims really race; on PGlite the two share its one connection.
 */
async function runTwoWorkers(dbA: Db, dbB: Db, seed: number) {
  const random = seededRandom(seed);
  const clock = new ManualClock();
  const accepted: Array<{ worker: 'A' | 'B'; d: NoticeDelivery }> = [];
  const channel = (worker: 'A' | 'B', name: ChannelName) =>
    new CapturingChannel(name, async (d) => {
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 4)));
      if (random() < 0.15) throw new Error('provider busy');
      accepted.push({ worker, d });
    });
  const env = { NOTICE_RETRY_BASE_SECONDS: '1', NOTICE_RETRY_MAX_SECONDS: '8', NOTICE_MAX_ATTEMPTS: '30' };
  const appA = await noticeApp(dbA, [channel('A', 'wechat'), channel('A', 'sms')], { clock, env });
  const appB = await noticeApp(dbB, [channel('B', 'wechat'), channel('B', 'sms')], { clock, env });

  // 300 messages: to holders with WeChat (2 deliveries), holders without (1), registry phones (1).
  const world = new World(dbA, clock);
  let expected = 0;
  for (let i = 0; i < 100; i += 1) {
    const withWechat = await world.person();
    await world.user({ personId: withWechat, openid: `oTwo${seed}-${i}` });
    const withoutWechat = await world.person();
    await world.user({ personId: withoutWechat });
    const unclaimed = await world.person({ registryPhone: world.phone() });
    await world.message({ personId: withWechat });
    await world.message({ personId: withoutWechat });
    await world.message({ personId: unclaimed });
    expected += 4;
  }

  async function work(app: App): Promise<number> {
    let claimed = 0;
    for (let i = 0; i < 4; i += 1) {
      await dispatchMessages(app, 7);
      const outcome = await deliverDue(app, 9);
      claimed += outcome.sent + outcome.retry + outcome.failed + outcome.lost;
    }
    return claimed;
  }

  for (let round = 0; round < 400; round += 1) {
    const [a, b] = await Promise.all([work(appA), work(appB)]);
    const [open] = await dbA.query<{ n: bigint }>(
      `SELECT (SELECT count(*) FROM messages WHERE dispatched_at IS NULL)
            + (SELECT count(*) FROM message_deliveries WHERE status IN ('pending', 'sending')) AS n`,
    );
    if (open!.n === 0n) break;
    // Nothing due now: the retries' time comes (never while a send is under way, so no lease runs out).
    if (a + b === 0) clock.advance(8);
  }
  const rows = await dbA.query<{ delivery_id: string; status: string; recipient: string; channel: string }>(
    'SELECT delivery_id, status, recipient, channel FROM message_deliveries',
  );
  return { accepted, rows, expected };
}

function expectExactlyOnce(result: Awaited<ReturnType<typeof runTwoWorkers>>): void {
  const { accepted, rows, expected } = result;
  expect(rows).toHaveLength(expected);
  expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
  const ids = accepted.map((a) => a.d.deliveryId);
  expect(new Set(ids).size).toBe(ids.length);
  expect(new Set(ids)).toEqual(new Set(rows.map((r) => r.delivery_id)));
  const byId = new Map(rows.map((r) => [r.delivery_id, r]));
  for (const { d } of accepted) expect(d.recipient).toBe(byId.get(d.deliveryId)!.recipient);
  // Both workers did a share of the work.
  expect(accepted.filter((a) => a.worker === 'A').length).toBeGreaterThan(0);
  expect(accepted.filter((a) => a.worker === 'B').length).toBeGreaterThan(0);
}

describe('two workers at once send each notice exactly once', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it.skipIf(!pgAvailable)('on PostgreSQL, two gateways with a pool each', async () => {
    const fresh = await freshPostgres();
    closers.push(fresh.drop);
    const second = openPg(fresh.url, 8);
    closers.push(() => second.close());
    expectExactlyOnce(await runTwoWorkers(fresh.db, second, 1));
  }, 120_000);

  it('on PGlite, two apps on its one connection', async () => {
    const handle = await openTestDb('pglite');
    closers.push(handle.drop);
    expectExactlyOnce(await runTwoWorkers(handle.db, handle.db, 2));
  }, 120_000);
});
