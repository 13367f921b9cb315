import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callFunction } from '@/services/cloud';
import type { ListRecordsEvent } from '@/services/cloud/types';
import { useMembers } from '@/stores/members';
import { useSession } from '@/stores/session';
import { pullDownRefresh, reachBottom } from '../../../../../tests/ui/taro-mock';
import { binding, fail, ok, programCloud, record } from '../../../../../tests/ui/cloud';
import { click, settle } from '../../../../../tests/ui/helpers';
import RecordsPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const page1 = Array.from({ length: 20 }, (_, i) => record({ recordId: id(i + 1), amountFen: 100 }));
const page2 = [record({ recordId: id(21), amountFen: 100 })];

describe('all payments from my account', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
  });

  function program() {
    return programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [binding()], asRelative: [] }),
      listRecords: (event: ListRecordsEvent) =>
        event.cursor === 'C2' ? ok({ items: page2, nextCursor: null, totalFen: 2_100 }) : ok({ items: page1, nextCursor: 'C2', totalFen: 2_100 }),
    });
  }

  it('shows the total and pages by cursor when the bottom is reached', async () => {
    const cloud = program();
    const { container } = render(<RecordsPage />);
    await settle();
    expect(container.querySelectorAll('.record-item')).toHaveLength(20);
    expect(container.querySelector('.records-total__amount')?.textContent).toBe('¥21.00');
    expect(container.querySelector('.list-footer')?.textContent).toBe('加载更多');
    await reachBottom();
    await settle();
    expect(cloud).toHaveBeenCalledWith('listRecords', expect.objectContaining({ role: 'sharer', cursor: 'C2', limit: 20 }));
    expect(container.querySelectorAll('.record-item')).toHaveLength(21);
    expect(container.querySelector('.list-footer')?.textContent).toBe('没有更多了');
  });

  it('filters by relative and by month', async () => {
    const cloud = program();
    const { container } = render(<RecordsPage />);
    await settle();
    const relativeChip = Array.from(container.querySelectorAll('.filter-chips--relative .filter-chip')).find((c) => c.textContent?.startsWith('李娜'))!;
    await click(relativeChip);
    await settle();
    expect(cloud).toHaveBeenLastCalledWith('listRecords', { role: 'sharer', bindingId: binding().bindingId, limit: 20 });
    const monthChip = container.querySelectorAll('.filter-chips--month .filter-chip')[1]!;
    await click(monthChip);
    await settle();
    const last = cloud.mock.lastCall?.[1] as ListRecordsEvent;
    expect(last.from).toMatch(/^\d{4}-\d{2}-01$/);
    expect(last.to).toMatch(/^\d{4}-\d{2}-(28|29|30|31)$/);
    expect(last.bindingId).toBe(binding().bindingId);
  });

  it('says when there is nothing, and shows a failure with a retry', async () => {
    programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listRecords: () => ok({ items: [], nextCursor: null, totalFen: 0 }),
    });
    const { container, unmount } = render(<RecordsPage />);
    await settle();
    expect(container.querySelector('.list-state--empty')?.textContent).toContain('没有符合条件的共济支付记录');
    unmount();
    programCloud(callFunction, {
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
      listRecords: () => fail('NETWORK_ERROR', '网络异常，请稍后重试'),
    });
    const second = render(<RecordsPage />);
    await settle();
    expect(second.container.querySelector('.list-state--error')?.textContent).toContain('网络异常，请稍后重试');
  });

  it('reloads from the first page on pull-down', async () => {
    const cloud = program();
    render(<RecordsPage />);
    await settle();
    const before = cloud.mock.calls.filter(([name]) => name === 'listRecords').length;
    await pullDownRefresh();
    await settle();
    expect(cloud.mock.calls.filter(([name]) => name === 'listRecords').length).toBe(before + 1);
  });
});
