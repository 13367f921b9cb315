import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { PagedRecords } from '@/hooks/usePagedRecords';
import { click } from '../../../../tests/ui/helpers';
import { record } from '../../../../tests/ui/cloud';
import RecordSection from '../index';

function paged(overrides: Partial<PagedRecords> = {}): PagedRecords {
  return {
    items: [record(), record({ recordId: 'r2', settlementId: 's2', amountFen: 1_000 })],
    totalFen: 124_456,
    status: 'ready',
    error: null,
    footer: 'end',
    refresh: vi.fn(async () => undefined),
    more: vi.fn(async () => undefined),
    ...overrides,
  };
}

describe('RecordSection', () => {
  it('shows the title, the total of the whole list and one line per payment', () => {
    const { container } = render(<RecordSection title='支付记录' records={paged()} role='sharer' emptyText='空' />);
    expect(screen.getByText('支付记录')).toBeTruthy();
    expect(container.querySelector('.record-section__total')?.textContent).toBe('合计 ¥1,244.56');
    expect(container.querySelectorAll('.record-item')).toHaveLength(2);
  });

  it('shows no total until the first page is in', () => {
    const { container } = render(
      <RecordSection title='支付记录' records={paged({ status: 'loading', items: [] })} role='relative' emptyText='空' />,
    );
    expect(container.querySelector('.record-section__total')).toBeNull();
    expect(screen.getByText('加载中…')).toBeTruthy();
  });

  it('says so when nothing was paid', () => {
    render(<RecordSection title='为我支付的记录' records={paged({ items: [], totalFen: 0 })} role='relative' emptyText='还没有家人的账户为您支付过' />);
    expect(screen.getByText('还没有家人的账户为您支付过')).toBeTruthy();
  });

  it('retries the first page after an error', async () => {
    const records = paged({ status: 'error', items: [], error: { code: 'INTERNAL', message: '网络异常，请稍后重试' } as PagedRecords['error'] });
    const { container } = render(<RecordSection title='支付记录' records={records} role='sharer' emptyText='空' />);
    await click(container.querySelector('.list-state__retry')!);
    expect(records.refresh).toHaveBeenCalled();
  });
});
