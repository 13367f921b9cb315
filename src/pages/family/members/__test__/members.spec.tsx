import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BLOCKER_SHORT } from '@/rules/notices';
import { PENDING_NOTE } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { binding, me, ok, programCloud } from '../../../../../tests/ui/cloud';
import { settle } from '../../../../../tests/ui/helpers';
import MembersPage, { countsText } from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
const FAMILY = [
  binding({ bindingId: id(1), relative: { ...binding().relative, name: '李娜' } }),
  binding({ bindingId: id(2), canPay: false, blockedBy: 'OUT_OF_REGION', relative: { ...binding().relative, name: '吴刚' } }),
  binding({ bindingId: id(3), status: 'pending', canPay: false, spentFen: 0, spentThisMonthFen: 0, relative: { ...binding().relative, name: '何静' } }),
  binding({ bindingId: id(4), status: 'declined', canPay: false, spentFen: 0, spentThisMonthFen: 0, relative: { ...binding().relative, name: '周敏' } }),
  binding({ bindingId: id(5), status: 'unbound', canPay: false, canLeave: false, relative: { ...binding().relative, name: '张丽' } }),
  binding({ bindingId: id(6), status: 'expired', canPay: false, canLeave: false, relative: { ...binding().relative, name: '陈浩' } }),
];

describe("the sharer's relatives", () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
    useProfile.getState().clear();
  });

  it('counts every status in words', () => {
    expect(countsText(FAMILY)).toBe('生效 1 人 · 暂不能支付 1 人 · 待确认 1 人 · 已拒绝 1 人 · 已解绑 1 人 · 已到期 1 人');
    expect(countsText([FAMILY[0]!])).toBe('生效 1 人');
    expect(countsText([])).toBe('生效 0 人');
  });

  it('shows each binding with its honest status, the waiting one first with its note', async () => {
    programCloud(callFunction, { me: () => ok(me()), listMembers: () => ok({ asSharer: FAMILY, asRelative: [] }) });
    const { container } = render(<MembersPage />);
    await settle();
    const cards = Array.from(container.querySelectorAll('.binding-card'));
    const shown = cards.map((c) => [c.querySelector('.binding-card__name')?.textContent, c.querySelector('.status-tag')?.textContent]);
    expect(shown).toEqual([
      ['何静', '待确认'],
      ['李娜', '生效'],
      ['吴刚', `暂不能支付（${BLOCKER_SHORT.OUT_OF_REGION}）`],
      ['周敏', '已拒绝'],
      ['陈浩', '已到期'],
      ['张丽', '已解绑'],
    ]);
    expect(cards[0]?.querySelector('.binding-card__note--pending')?.textContent).toBe(PENDING_NOTE);
    expect(container.querySelector('.members-add')).not.toBeNull();
  });

  it('offers no 添加共济亲属 to someone who cannot share, and says why', async () => {
    programCloud(callFunction, {
      me: () => ok(me({ person: { name: '刘强', idNumberMasked: '1301**********2155', insuranceType: 'resident', status: 'active', poolingRegion: '130100' } })),
      listMembers: () => ok({ asSharer: [], asRelative: [] }),
    });
    const { container } = render(<MembersPage />);
    await settle();
    await settle();
    expect(container.querySelector('.members-add')).toBeNull();
    expect(container.querySelector('.members-cannot-add')?.textContent).toContain('居民医保没有个人账户');
  });
});
