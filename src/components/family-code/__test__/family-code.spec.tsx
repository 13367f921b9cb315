import { act, render } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import FamilyCode from '../index';

const CODE = { code: 'YB1ABCDEF0123456789', expiresAt: '2026-03-15T02:03:00.000Z', name: '张建国', idNumberMasked: '1301**********6117' };

describe('FamilyCode', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-03-15T02:00:00.000Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts down, then expires and offers a new code', async () => {
    const refresh = vi.fn();
    const { container } = render(<FamilyCode code={CODE} onRefresh={refresh} onClose={() => undefined} />);
    expect(container.querySelector('.family-code__countdown')?.textContent).toBe('03:00 后失效');
    expect(container.textContent).toContain('1301**********6117');
    await act(async () => {
      vi.advanceTimersByTime(61_000);
    });
    expect(container.querySelector('.family-code__countdown')?.textContent).toBe('01:59 后失效');
    await act(async () => {
      vi.advanceTimersByTime(120_000);
    });
    expect(container.querySelector('.family-code__text')?.textContent).toBe('医保码已过期');
    expect(container.querySelector('.family-code-refresh')).not.toBeNull();
    expect(container.querySelector('.qr-code')).toBeNull();
  });
});
