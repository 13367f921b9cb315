import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PENDING_NOTE } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { useMembers } from '@/stores/members';
import { useSession } from '@/stores/session';
import { setRouterParams } from '../../../../../tests/ui/taro-mock';
import { binding, ok, programCloud, request } from '../../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../../tests/ui/helpers';
import RelativeDetailPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

async function open(b: ReturnType<typeof binding>, extra = {}) {
  setRouterParams({ bindingId: b.bindingId });
  const cloud = programCloud(callFunction, {
    listMembers: () => ok(b.viewerRole === 'sharer' ? { asSharer: [b], asRelative: [] } : { asSharer: [], asRelative: [b] }),
    listRecords: () => ok({ items: [], nextCursor: null, totalFen: 0 }),
    ...extra,
  });
  const view = render(<RelativeDetailPage />);
  await settle();
  await settle();
  return { ...view, cloud };
}

describe('one binding', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
    vi.mocked(callFunction).mockClear();
  });

  it('lets the sharer unbind an active binding, with its payments below', async () => {
    const { container } = await open(binding());
    expect(buttonOf(container, 'detail-unbind').textContent).toBe('解除共济');
    expect(container.querySelector('.record-section')).not.toBeNull();
  });

  it("tells the sharer a pending binding waits for the relative, shows no payments, and offers to withdraw it", async () => {
    const pending = binding({ status: 'pending', canPay: false, spentFen: 0, spentThisMonthFen: 0 });
    const { container, cloud } = await open(pending, { unbindRelative: () => ok({ binding: { ...pending, status: 'unbound' } }) });
    expect(container.querySelector('.binding-card__note--pending')?.textContent).toBe(PENDING_NOTE);
    expect(container.querySelector('.relative-detail__remind')?.textContent).toContain('请提醒李娜本人登录');
    expect(container.querySelector('.record-section')).toBeNull();
    expect(cloud).not.toHaveBeenCalledWith('listRecords', expect.anything());
    await click(buttonOf(container, 'detail-unbind'));
    expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe('撤回对李娜的共济申请？');
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('unbindRelative', { bindingId: pending.bindingId });
    expect(container.querySelector('.status-tag')?.textContent).toBe('已解绑');
  });

  it('offers no 解除 where the server says I may not leave', async () => {
    const { container } = await open(binding({ viewerRole: 'relative', canLeave: false }));
    expect(container.querySelector('.detail-unbind')).toBeNull();
    expect(container.querySelector('.detail-cannot-leave')?.textContent).toContain('未满规定年龄的亲属不能自行退出共济');
  });

  it('offers no 解除 on an ended binding', async () => {
    const { container } = await open(binding({ status: 'unbound', canPay: false, canLeave: false, endedAt: '2026-02-01T00:00:00Z' }));
    expect(container.querySelector('.detail-unbind')).toBeNull();
    expect(container.querySelector('.status-tag')?.textContent).toBe('已解绑');
  });

  it('shows a request that waits for me as the request, with my answers', async () => {
    const { container } = await open(request());
    expect(container.querySelector('.consent-request')).not.toBeNull();
    expect(container.querySelector('.binding-card')).toBeNull();
    expect(container.querySelector('.detail-unbind')).toBeNull();
  });
});
