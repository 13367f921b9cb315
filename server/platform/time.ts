/** Asia/Shanghai is UTC+8 all year (no daylight saving time). */
const OFFSET_MS = 8 * 3600 * 1000;

/** The instant a Shanghai calendar day (YYYY-MM-DD) starts. */
export function shanghaiDayStart(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - OFFSET_MS);
}

/** The instant the Shanghai calendar month of `now` starts. */
export function shanghaiMonthStart(now: Date): Date {
  const local = new Date(now.getTime() + OFFSET_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), 1) - OFFSET_MS);
}

/** The instant the Shanghai day after `date` starts. */
export function shanghaiNextDayStart(date: string): Date {
  return new Date(shanghaiDayStart(date).getTime() + 86400 * 1000);
}
