import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { callFunction } from '@/services/cloud';
import { useSession } from '@/stores/session';
import { member, membership, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../../tests/ui/helpers';
import FamilyAccountPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

describe('the family account and its consent', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    vi.mocked(callFunction).mockClear();
  });

  it('shows 待对方同意 instead of the code button while a member has not agreed', async () => {
    programCloud(callFunction, {
      listFamilyAccount: () =>
        ok({
          members: [member(), member({ memberId: 'm-adult', name: '张丽', consent: 'pending' }), member({ memberId: 'm-yes', name: '李娜', consent: 'confirmed' })],
          asMember: [],
        }),
    });
    const { container } = render(<FamilyAccountPage />);
    await settle();
    const cards = Array.from(container.querySelectorAll('.fa-member'));
    const state = cards.map((c) => [c.querySelector('.fa-member__name')?.textContent, c.querySelector('.member-code') ? 'code' : c.querySelector('.member-waiting')?.textContent]);
    expect(state).toEqual([
      ['张建国', 'code'],
      ['张丽', '待对方同意'],
      ['李娜', 'code'],
    ]);
    expect(cards[1]?.querySelector('.fa-member__consent')?.textContent).toContain('需本人在小程序中同意');
  });

  it('lists the family accounts I am in, and lets me agree to one that waits', async () => {
    let consent: 'pending' | 'confirmed' = 'pending';
    const cloud = programCloud(callFunction, {
      listFamilyAccount: () => ok({ members: [], asMember: [membership({ consent }), membership({ memberId: 'm-old', owner: { name: '王*', idNumberMasked: '1301**********9244' }, consent: 'not_needed' })] }),
      confirmFamilyMember: () => {
        consent = 'confirmed';
        return ok({ member: membership({ consent: 'confirmed' }) });
      },
    });
    const { container } = render(<FamilyAccountPage />);
    await settle();
    expect(container.querySelectorAll('.fa-as-member .consent-request')).toHaveLength(1);
    expect(container.querySelector('.fa-membership')?.textContent).toContain('王*');
    expect(container.querySelector('.fa-membership')?.textContent).toContain('无需您同意');
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    await settle();
    expect(cloud).toHaveBeenCalledWith('confirmFamilyMember', { memberId: membership().memberId });
    expect(container.querySelectorAll('.fa-as-member .consent-request')).toHaveLength(0);
    expect(container.querySelectorAll('.fa-membership')[0]?.textContent).toContain('您已同意');
  });
});
