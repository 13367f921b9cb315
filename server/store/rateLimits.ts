import type { App } from '../app';
import { fail } from '../errors';
import type { CallerSource } from '../runtime/caller';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Ended windows deleted by each write: a few, so that a write never waits on a long delete. */
const PRUNE_BATCH = 20;

/** One counted attempt in one window; `undoHit` takes it back. */
export interface Hit {
  readonly bucket: string;
  readonly windowStart: Date;
  /** The bucket's count in this window, this attempt included. */
  readonly hits: number;
}

/**
 * Windows are aligned to Asia/Shanghai (UTC+8), so a daily window renews at midnight in China;
 * hourly windows are the same either way.
 */
function windowOf(now: Date, windowSeconds: number): { start: Date; end: Date } {
  const local = now.getTime() + SHANGHAI_OFFSET_MS;
  const start = local - (local % (windowSeconds * 1000)) - SHANGHAI_OFFSET_MS;
  return { start: new Date(start), end: new Date(start + windowSeconds * 1000) };
}

/**
 * Counts one attempt in the bucket's current fixed window and answers the count, in one atomic
 * upsert (concurrent attempts cannot slip past a limit). The same statement deletes a few
 * windows that have ended (skipping rows another writer holds), so the table holds little more
 * than the live windows however many junk attempts arrive.
 */
export async function countHit(app: App, bucket: string, windowSeconds: number): Promise<Hit> {
  const now = app.clock.now();
  const { start, end } = windowOf(now, windowSeconds);
  const rows = await app.db.query<{ hits: number }>(
    `WITH ended AS (
       DELETE FROM rate_limit_hits WHERE (bucket, window_start) IN (
         SELECT bucket, window_start FROM rate_limit_hits WHERE expires_at <= $4 LIMIT ${PRUNE_BATCH} FOR UPDATE SKIP LOCKED))
     INSERT INTO rate_limit_hits (bucket, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
     RETURNING hits`,
    [bucket, start, end, now],
  );
  return { bucket, windowStart: start, hits: Number(rows[0]?.hits ?? 0) };
}

/** The bucket's count in its current window, without counting. */
export async function peekHits(app: App, bucket: string, windowSeconds: number): Promise<number> {
  const { start } = windowOf(app.clock.now(), windowSeconds);
  const rows = await app.db.query<{ hits: number }>('SELECT hits FROM rate_limit_hits WHERE bucket = $1 AND window_start = $2', [
    bucket,
    start,
  ]);
  return Number(rows[0]?.hits ?? 0);
}

/**
 * Takes back an attempt that did not happen after all (a send refused by a later limit, or one
 * the SMS provider failed): the window's row goes when nothing is left in it.
 */
export async function undoHit(app: App, hit: Hit): Promise<void> {
  await app.db.query('DELETE FROM rate_limit_hits WHERE bucket = $1 AND window_start = $2 AND hits <= 1', [hit.bucket, hit.windowStart]);
  await app.db.query('UPDATE rate_limit_hits SET hits = hits - 1 WHERE bucket = $1 AND window_start = $2 AND hits > 1', [
    hit.bucket,
    hit.windowStart,
  ]);
}

/**
 * A fixed-window counter: counts this attempt, and refuses it with RATE_LIMITED when the
 * bucket has seen more than `limit` in the current window.
 */
export async function hitRateLimit(
  app: App,
  bucket: string,
  limit: number,
  windowSeconds: number,
  message: string,
): Promise<void> {
  const hit = await countHit(app, bucket, windowSeconds);
  if (hit.hits > limit) fail('RATE_LIMITED', message);
}

/** Drops every window that has ended (at start and hourly; writes also drop a few each). */
export async function pruneRateLimits(app: App): Promise<number> {
  const rows = await app.db.query<{ bucket: string }>('DELETE FROM rate_limit_hits WHERE expires_at <= $1 RETURNING bucket', [
    app.clock.now(),
  ]);
  return rows.length;
}

/**
 * The client of a public call, as a rate-limit key: its address as the gateway saw it (an IPv6
 * address by its /64, which one subscriber usually holds whole, so that one client cannot be
 * many), else its OPENID in WeChat, else one shared "unknown".
 */
export function clientKey(source: CallerSource, clientAddress: string | null): string {
  if (clientAddress) return `ip:${addressKey(clientAddress)}`;
  if ('openid' in source) return `openid:${source.openid}`;
  return 'unknown';
}

function addressKey(address: string): string {
  const plain = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(plain);
  if (mapped) return mapped[1]!;
  if (!plain.includes(':')) return plain;
  const [head = '', tail] = plain.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => (/^[0-9a-f]{1,4}$/.test(group) ? group.replace(/^0+(?=.)/, '') : group))
    .join(':')}::/64`;
}
