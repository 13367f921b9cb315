/**
 * Amounts are integers in fen (分). Formatting and parsing use bigint and string
 * arithmetic only, never floating point.
 */

/** The largest amount of one settlement or refund: ¥1,000,000.00. */
export const MAX_AMOUNT_FEN = 100_000_000;

/** An amount as carried in JSON: a safe integer from 1 to MAX_AMOUNT_FEN. */
export function isAmountFen(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= MAX_AMOUNT_FEN;
}

function toBigInt(fen: bigint | number): bigint {
  if (typeof fen === 'bigint') return fen;
  if (!Number.isSafeInteger(fen)) throw new RangeError(`formatFen expects an integer amount in fen, got ${fen}`);
  return BigInt(fen);
}

/** `123456` → `¥1,234.56`, `0` → `¥0.00`, `-1230` → `-¥12.30`. Exact for any bigint. */
export function formatFen(fen: bigint | number): string {
  const value = toBigInt(fen);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+$)/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}¥${yuan}.${cents}`;
}

const YUAN_PATTERN = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d{0,2}))?$/;

/**
 * Parses what a user typed in yuan into fen: `12.3` → 1230n, `¥1,234.56` →
 * 123456n, `.5` → 50n, `12.` → 1200n. Surrounding whitespace and one leading
 * `¥`/`￥` are ignored; commas only as thousands separators. Returns null for
 * anything else: negative numbers, more than two decimals, exponents, empty text.
 * Range checks (at least 1 fen, at most MAX_AMOUNT_FEN) are the caller's.
 */
export function parseYuanToFen(text: string): bigint | null {
  if (typeof text !== 'string') return null;
  const s = text.trim().replace(/^[¥￥]\s*/, '');
  const m = YUAN_PATTERN.exec(s);
  if (!m) return null;
  const whole = (m[1] ?? '').replace(/,/g, '');
  const fraction = m[2] ?? '';
  if (whole === '' && fraction === '') return null;
  return BigInt(whole || '0') * 100n + BigInt(fraction.padEnd(2, '0'));
}
