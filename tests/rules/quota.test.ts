import { describe, expect, it } from 'vitest';
import { readQuota, quotaSummary } from '../../src/rules/quota';

describe('reading a quota typed in yuan', () => {
  it('allows an empty field only where the quota is optional', () => {
    expect(readQuota('  ', { optional: true })).toBeNull();
    expect(readQuota('', { optional: false })).toEqual({ ok: false, message: expect.stringMatching(/请输入/) });
  });

  it('turns yuan into whole fen without floating point', () => {
    expect(readQuota('500', { optional: true })).toEqual({ ok: true, fen: 50_000 });
    expect(readQuota('¥1,234.56', { optional: true })).toEqual({ ok: true, fen: 123_456 });
    expect(readQuota('0.01', { optional: false })).toEqual({ ok: true, fen: 1 });
  });

  it.each(['abc', '-5', '1.234', '1e3'])('refuses %s with a message that shows an example', (text) => {
    const read = readQuota(text, { optional: true });
    expect(read).toEqual({ ok: false, message: expect.stringMatching(/正确的金额/) });
  });

  it('refuses zero, and more than the free balance when it is known', () => {
    expect(readQuota('0', { optional: true })).toEqual({ ok: false, message: expect.stringMatching(/至少/) });
    expect(readQuota('300.01', { optional: false, maxFen: 30_000 })).toEqual({ ok: false, message: expect.stringContaining('¥300.00') });
    expect(readQuota('300', { optional: false, maxFen: 30_000 })).toEqual({ ok: true, fen: 30_000 });
  });

  it('says the quota and what is left', () => {
    expect(quotaSummary(50_000, 38_000)).toBe('共济额度 ¥500.00，剩余 ¥380.00');
  });
});
