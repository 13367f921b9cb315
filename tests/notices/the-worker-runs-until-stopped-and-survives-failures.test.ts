import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../server/db/port';
import { ManualClock } from '../../server/platform/clock';
import { startNoticeWorker } from '../../server/workers/notices';
import { useTestDb } from '../support/adapters';
import { CapturingChannel, noticeApp, World } from './support';

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the notice worker', () => {
  const getDb = useTestDb('pglite');
  // The tests share a database: each starts with no message left undispatched by another.
  beforeEach(async () => {
    await getDb().query('UPDATE messages SET dispatched_at = now() WHERE dispatched_at IS NULL');
  });

  it('delivers the messages written while it runs, and nothing after it is stopped', async () => {
    const sms = new CapturingChannel('sms');
    const clock = new ManualClock();
    const app = await noticeApp(getDb(), [new CapturingChannel('wechat'), sms], { clock });
    const world = new World(getDb(), clock);
    const stop = startNoticeWorker(app, { intervalMs: 50 });
    const first = world.phone();
    await world.message({ smsPhone: first });
    await until(() => sms.sent.length === 1);
    expect(sms.sent[0]!.recipient).toBe(first);
    await stop();
    await world.message({ smsPhone: world.phone() });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sms.sent).toHaveLength(1);
  });

  it('goes on at once while it finds full batches', async () => {
    const sms = new CapturingChannel('sms');
    const clock = new ManualClock();
    const app = await noticeApp(getDb(), [new CapturingChannel('wechat'), sms], { clock });
    const world = new World(getDb(), clock);
    for (let i = 0; i < 7; i += 1) await world.message({ smsPhone: world.phone() });
    // An hour between rounds: only the immediate follow-ups can deliver all seven in time.
    const stop = startNoticeWorker(app, { intervalMs: 3_600_000, batchSize: 2 });
    await until(() => sms.sent.length === 7);
    await stop();
  });

  it('logs a failing round and carries on: nothing is thrown out of its timer', async () => {
    const sms = new CapturingChannel('sms');
    const clock = new ManualClock();
    const app = await noticeApp(getDb(), [new CapturingChannel('wechat'), sms], { clock });
    const world = new World(getDb(), clock);
    let outages = 3;
    const real = getDb();
    const flaky: Db = {
      ...real,
      kind: real.kind,
      query: (sql, params) => (outages-- > 0 ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')) : real.query(sql, params)),
      transaction: (fn) => real.transaction(fn),
      exec: (sql) => real.exec(sql),
      close: () => real.close(),
    };
    const phone = world.phone();
    await world.message({ smsPhone: phone });
    const stop = startNoticeWorker({ ...app, db: flaky }, { intervalMs: 50 });
    await until(() => sms.sent.length === 1);
    await stop();
    const failures = app.lines.filter((line) => line.includes('notice worker round failed'));
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(failures[0]!)).toMatchObject({ level: 50, error: 'Error: connect ECONNREFUSED 127.0.0.1:5432' });
    expect(app.lines.join('\n')).not.toContain(phone);
  });
});
