import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import 'dayjs/locale/zh-cn';
import { daysInMonth, formatDate as isoDate, shanghaiMonth } from '@/rules/age';

dayjs.extend(utc);
dayjs.locale('zh-cn');

/** Asia/Shanghai is UTC+8 all year; a fixed offset needs no time-zone database (absent in some mini-program engines). */
const SHANGHAI_OFFSET_MINUTES = 8 * 60;

const shanghai = (iso: string) => dayjs(iso).utcOffset(SHANGHAI_OFFSET_MINUTES);

/** `2026-03-15T02:00:00Z` → `2026年3月15日 10:00` (Shanghai). */
export function formatDateTime(iso: string): string {
  return shanghai(iso).format('YYYY年M月D日 HH:mm');
}

/** `2026-03-15T02:00:00Z` → `2026年3月15日` (Shanghai). */
export function formatDay(iso: string): string {
  return shanghai(iso).format('YYYY年M月D日');
}

/** `2026-03` → `2026年3月`. */
export function formatMonth(month: string): string {
  return dayjs(`${month}-01`).format('YYYY年M月');
}

/** The first and last day of a month `YYYY-MM`, as listRecords' `from` and `to`. */
export function monthRange(month: string): { from: string; to: string } {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return { from: isoDate(year, m, 1), to: isoDate(year, m, daysInMonth(year, m)) };
}

/** This month and the `count - 1` before it, newest first, as `YYYY-MM` (Shanghai). */
export function recentMonths(now: Date, count: number): string[] {
  const current = shanghaiMonth(now);
  let year = Number(current.slice(0, 4));
  let month = Number(current.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < count; i += 1) {
    months.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months;
}

/** Seconds left until `expiresAt`, never negative. */
export function secondsUntil(expiresAt: string, now: number = Date.now()): number {
  return Math.max(0, Math.ceil((Date.parse(expiresAt) - now) / 1000));
}

/** `125` → `02:05`. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** A calendar day `2026-12-31` → `2026年12月31日` (no time zone involved). */
export function formatCalendarDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}
