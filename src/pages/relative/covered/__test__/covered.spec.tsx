import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BLOCKER_SHORT } from '@/rules/notices';
import { callFunction } from '@/services/cloud';
import { useMembers } from '@/stores/members';
import { useSession } from '@/stores/session';
import { binding, ok, programCloud, request } from '../../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../../tests/ui/helpers';
import CoveredPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const PAYING = binding({ bindingId: 'b-paying', viewerRole: 'relative', sharer: { name: '张*', idNumberMasked: '1301**********131X' } });

function program(asRelative: ReturnType<typeof binding>[], extra = {}) {
  return programCloud(callFunction, {
    listMembers: () => ok({ asSharer: [], asRelative }),
    listRecords: () => ok({ items: [], nextCursor: null, totalFen: 0 }),
    ...extra,
  });
}

describe('who pays for me', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
    vi.mocked(callFunction).mockClear();
  });

  it('puts requests that wait for me first, with my three answers', async () => {
    program([PAYING, request()]);
    const { container } = render(<CoveredPage />);
    await settle();
    expect(container.querySelector('.covered-requests-title')?.textContent).toBe('等您确认的申请（1）');
    expect(container.querySelectorAll('.consent-request')).toHaveLength(1);
    expect(container.querySelectorAll('.binding-card')).toHaveLength(1);
    expect(container.querySelector('.binding-card .status-tag')?.textContent).toBe('生效');
  });

  it('confirms a request: it becomes a binding that pays', async () => {
    const cloud = program([request()], { confirmBinding: () => ok({ binding: request({ status: 'active', canPay: true }) }) });
    const { container } = render(<CoveredPage />);
    await settle();
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('confirmBinding', { bindingId: request().bindingId });
    expect(container.querySelector('.consent-request')).toBeNull();
    expect(container.querySelector('.binding-card .status-tag')?.textContent).toBe('生效');
  });

  it('offers leaving only where I may, and says why not otherwise', async () => {
    program([PAYING, binding({ bindingId: 'b-young', viewerRole: 'relative', canLeave: false })]);
    const { container } = render(<CoveredPage />);
    await settle();
    expect(container.querySelectorAll('.covered-leave')).toHaveLength(1);
    expect(container.querySelector('.covered-cannot-leave')?.textContent).toBe('未满规定年龄不能自行退出');
  });

  it('says a binding that cannot pay today cannot, and why', async () => {
    program([binding({ viewerRole: 'relative', canPay: false, blockedBy: 'BALANCE_ZERO' })]);
    const { container } = render(<CoveredPage />);
    await settle();
    expect(container.querySelector('.status-tag')?.textContent).toBe(`暂不能支付（${BLOCKER_SHORT.BALANCE_ZERO}）`);
  });
});
