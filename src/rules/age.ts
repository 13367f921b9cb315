/**
 * Calendar dates as `YYYY-MM-DD` strings. Such strings sort like the dates they
 * name, so comparisons are plain string comparisons.
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Strict `YYYY-MM-DD` naming a real date of the Gregorian calendar. */
export function isValidDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_PATTERN.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Builds `YYYY-MM-DD` from numbers (no validation). */
export function formatDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Age in full years on `onDate`. A birthday on 29 February counts as 1 March in
 * non-leap years (comparing month-day strings gives exactly that: 02-28 < 02-29
 * <= 03-01). Negative when `onDate` precedes the birth date.
 */
export function ageOn(birthDate: string, onDate: string): number {
  if (!isValidDate(birthDate) || !isValidDate(onDate)) {
    throw new RangeError(`ageOn expects YYYY-MM-DD dates, got ${String(birthDate)} and ${String(onDate)}`);
  }
  const years = Number(onDate.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return onDate.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

function shanghaiParts(now: Date): { year: number; month: number; day: number } {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('shanghai date of an invalid Date');
  // Asia/Shanghai is UTC+8 all year (no daylight saving since 1991).
  const shifted = new Date(ms + SHANGHAI_OFFSET_MS);
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/** Today's date in Asia/Shanghai, `YYYY-MM-DD`. */
export function shanghaiToday(now: Date): string {
  const { year, month, day } = shanghaiParts(now);
  return formatDate(year, month, day);
}

/** This month in Asia/Shanghai, `YYYY-MM`. */
export function shanghaiMonth(now: Date): string {
  return shanghaiToday(now).slice(0, 7);
}
