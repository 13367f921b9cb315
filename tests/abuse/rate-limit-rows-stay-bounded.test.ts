import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/platform/clock';
import { useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

/**
 * Junk logins and code requests do not grow rate_limit_hits without bound: a try for a phone
 * without a live code adds no row, a refused or failed send takes its rows back, and every write
 * deletes a few ended windows — without the hourly prune of server/main.ts, which never runs
 * here. 26 hours of junk (a day of Asia/Shanghai ends on the way, and its windows with it).
 */

const GLOBAL = 3;
const PER_CLIENT = 2;
const MAX_FAILURES = 5;

describe('rate-limit rows under junk (PGlite)', () => {
  const getDb = useTestDb('pglite');

  it('stay within what the live windows can hold, hour after hour', async () => {
    const h = await Harness.create(
      getDb(),
      {
        SMS_GLOBAL_PER_HOUR: String(GLOBAL),
        SMS_PER_CLIENT_PER_HOUR: String(PER_CLIENT),
        CODE_MAX_FAILURES: String(MAX_FAILURES),
        LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR: '3',
      },
      new ManualClock('2026-03-15T00:00:00Z'),
    );
    const rows = async () => Number((await h.app.db.query<{ n: bigint }>('SELECT count(*) AS n FROM rate_limit_hits'))[0]!.n);
    let seq = 0;
    const junkPhone = () => `136${String(++seq).padStart(8, '0')}`;
    // What live windows can hold: per hour the global bucket, one per client that sent, one per
    // client that tried a live code (at most each code's tries); per day, one per phone sent to.
    const bound = 1 + GLOBAL + GLOBAL * MAX_FAILURES + 25 * GLOBAL;
    const counts: number[] = [];
    for (let hour = 0; hour < 26; hour += 1) {
      const phones: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const phone = junkPhone();
        phones.push(phone);
        await h.call('sendCode', { phone }, undefined, `198.51.100.${1 + ((hour * 6 + i) % 30)}`);
      }
      for (let i = 0; i < 10; i += 1) {
        // Wrong codes for the phones just asked for, and for phones nobody asked a code for.
        await h.call('login', { phone: phones[i % phones.length], code: '000000' }, undefined, `203.0.113.${1 + i}`);
        await h.call('login', { phone: junkPhone(), code: '123456' }, undefined, `192.0.2.${1 + i}`);
      }
      counts.push(await rows());
      expect(counts.at(-1)).toBeLessThanOrEqual(bound);
      h.clock.advance(3600);
    }
    // The day of Shanghai ended at 16:00Z (hour 16): after it the table is no bigger than before.
    expect(Math.max(...counts.slice(17))).toBeLessThanOrEqual(Math.max(...counts.slice(0, 16)));
  }, 180_000);
});
