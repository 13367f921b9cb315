import type { App } from '../app';
import { fail } from '../errors';

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/**
 * A fixed-window counter: counts this attempt, and refuses it with RATE_LIMITED when the
 * bucket has seen more than `limit` in the current window. The increment is one atomic
 * upsert, so concurrent attempts cannot slip past the limit.
 */
export async function hitRateLimit(
  app: App,
  bucket: string,
  limit: number,
  windowSeconds: number,
  message: string,
): Promise<void> {
  // Windows are aligned to Asia/Shanghai (UTC+8), so a daily limit renews at midnight in China,
  // as its message ("请明天再试") promises; hourly windows are the same either way.
  const local = app.clock.now().getTime() + SHANGHAI_OFFSET_MS;
  const windowStart = new Date(local - (local % (windowSeconds * 1000)) - SHANGHAI_OFFSET_MS);
  const rows = await app.db.query<{ hits: number }>(
    `INSERT INTO rate_limit_hits (bucket, window_start, hits) VALUES ($1, $2, 1)
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_limit_hits.hits + 1
     RETURNING hits`,
    [bucket, windowStart],
  );
  if (Number(rows[0]?.hits ?? 0) > limit) fail('RATE_LIMITED', message);
}

/** Drops windows that ended long ago (called now and then, never on a hot path). */
export async function pruneRateLimits(app: App, olderThanSeconds = 2 * 86400): Promise<void> {
  const before = new Date(app.clock.now().getTime() - olderThanSeconds * 1000);
  await app.db.query('DELETE FROM rate_limit_hits WHERE window_start < $1', [before]);
}
