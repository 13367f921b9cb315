import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { pruneLoginCodes } from '../../server/usecases/auth';
import { Scheduler, serverJobs } from '../../server/workers/scheduler';
import { useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

/**
 * login_codes keeps one row per phone that asked for a code: the hourly prune drops the codes
 * a day past their expiry (used, killed or never tried), and keeps every other one.
 */
describe('login codes (PGlite)', () => {
  const getDb = useTestDb('pglite');

  it('are dropped a day after their expiry, by the hourly prune, and the phone may ask again', async () => {
    const h = await Harness.create(getDb(), { CODE_TTL_SECONDS: '600' }, new ManualClock('2026-03-15T00:00:00Z'));
    const phones = async () =>
      (await h.app.db.query<{ phone: string }>('SELECT phone FROM login_codes ORDER BY phone')).map((row) => row.phone);
    // Three codes sent at 00:00 (expire 00:10): one used, one never tried, one killed by wrong tries.
    await h.login('13600000001');
    await h.ok('sendCode', { phone: '13600000002' });
    await h.ok('sendCode', { phone: '13600000003' });
    for (let i = 0; i < 5; i += 1) await h.call('login', { phone: '13600000003', code: '000000' });
    // A fourth sent a day later.
    h.clock.set('2026-03-16T00:05:00Z');
    await h.ok('sendCode', { phone: '13600000004' });

    // 00:10 the next day is a day after their expiry: still kept.
    h.clock.set('2026-03-16T00:10:00Z');
    expect(await pruneLoginCodes(h.app)).toBe(0);
    expect(await phones()).toEqual(['13600000001', '13600000002', '13600000003', '13600000004']);

    // The hourly job, past that: the three go, the live one stays.
    h.clock.set('2026-03-16T01:07:00Z');
    const runs = await new Scheduler(h.app, serverJobs(h.app), { owner: 'test' }).tick();
    expect(runs).toContainEqual(expect.objectContaining({ job: 'prune-rate-limits', outcome: 'ok' }));
    expect(await phones()).toEqual(['13600000004']);

    // A phone whose code was dropped logs in as any other.
    expect(await h.login('13600000001')).toEqual(expect.any(String));
  });
});
