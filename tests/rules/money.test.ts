import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT_FEN, formatFen, isAmountFen, parseYuanToFen } from '../../src/rules';

describe('formatFen', () => {
  it.each<[bigint | number, string]>([
    [0, '¥0.00'],
    [0n, '¥0.00'],
    [-0, '¥0.00'],
    [1, '¥0.01'],
    [10, '¥0.10'],
    [100, '¥1.00'],
    [123456, '¥1,234.56'],
    [123456n, '¥1,234.56'],
    [99999, '¥999.99'],
    [100000, '¥1,000.00'],
    [MAX_AMOUNT_FEN, '¥1,000,000.00'],
    [-1230, '-¥12.30'],
    [-1n, '-¥0.01'],
    [-12345678901n, '-¥123,456,789.01'],
    [Number.MAX_SAFE_INTEGER, '¥90,071,992,547,409.91'],
  ])('formats %s fen as %s', (fen, expected) => {
    expect(formatFen(fen)).toBe(expected);
  });

  it('is exact for a bigint above 2^53', () => {
    expect(formatFen(2n ** 53n + 1n)).toBe('¥90,071,992,547,409.93');
    expect(formatFen(123456789012345678901234567n)).toBe('¥1,234,567,890,123,456,789,012,345.67');
    expect(formatFen(-(2n ** 64n))).toBe('-¥184,467,440,737,095,516.16');
  });

  it.each([1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses the number %s, which is not a safe integer', (fen) => {
    expect(() => formatFen(fen)).toThrow(RangeError);
  });
});

describe('parseYuanToFen', () => {
  it.each<[string, bigint]>([
    ['12.3', 1230n],
    ['12.30', 1230n],
    ['12', 1200n],
    ['0', 0n],
    ['0.01', 1n],
    ['.5', 50n],
    ['12.', 1200n],
    [' 12.34 ', 1234n],
    ['¥1,234.56', 123456n],
    ['￥ 8', 800n],
    ['1,000,000.00', 100000000n],
    ['007.10', 710n],
    ['90071992547409.93', 9007199254740993n],
  ])('parses %s as %s fen', (text, expected) => {
    expect(parseYuanToFen(text)).toBe(expected);
  });

  it.each(['', ' ', '.', '-1', '+1', '1.234', '1e3', 'abc', '12,34', '1234,567', '1,2345', '1.2.3', '１２', 'NaN', '¥'])(
    'refuses %j',
    (text) => {
      expect(parseYuanToFen(text)).toBeNull();
    },
  );

  it('refuses what is not a string', () => {
    expect(parseYuanToFen(12 as unknown as string)).toBeNull();
  });
});

describe('isAmountFen', () => {
  it.each([1, 100, MAX_AMOUNT_FEN])('accepts %s', (v) => expect(isAmountFen(v)).toBe(true));
  it.each([0, -1, MAX_AMOUNT_FEN + 1, 1.5, '100', 100n, null])('refuses %s', (v) => expect(isAmountFen(v)).toBe(false));
});
