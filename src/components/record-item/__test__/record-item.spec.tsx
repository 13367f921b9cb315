import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { record } from '../../../../tests/ui/cloud';
import RecordItem from '../index';

describe('RecordItem', () => {
  it('shows where, for whom, when (Asia/Shanghai) and how much', () => {
    const { container } = render(<RecordItem record={record()} role='sharer' />);
    expect(container.querySelector('.record-item__place')?.textContent).toBe('石家庄乐仁堂大药房');
    expect(container.querySelector('.amount')?.textContent).toBe('¥1,234.56');
    expect(container.querySelector('.record-item__kind')?.textContent).toBe('药店购药');
    expect(container.querySelector('.record-item__who')?.textContent).toBe('为配偶 李娜 支付');
    // 16:30 UTC on 1 March is 00:30 on 2 March in Shanghai.
    expect(container.querySelector('.record-item__time')?.textContent).toBe('2026年3月2日 00:30');
  });

  it("says whose account paid when I am the relative", () => {
    const { container } = render(<RecordItem record={record({ sharer: { name: '张*', idNumberMasked: 'x' } })} role='relative' />);
    expect(container.querySelector('.record-item__who')?.textContent).toBe('张*（您是其配偶）的账户支付');
  });

  it('shows a refund', () => {
    const { container } = render(<RecordItem record={record({ refundedFen: 2_000, kind: 'inpatient' })} role='sharer' />);
    expect(container.querySelector('.amount--refund')?.textContent).toBe('已退 ¥20.00');
    expect(container.querySelector('.record-item__kind')?.textContent).toBe('住院');
  });

  it('shows no refund line when nothing was refunded', () => {
    const { container } = render(<RecordItem record={record()} role='sharer' />);
    expect(container.querySelector('.amount--refund')).toBeNull();
  });
});
