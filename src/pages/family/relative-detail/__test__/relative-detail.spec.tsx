import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PENDING_NOTE } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { useMembers } from '@/stores/members';
import { useSession } from '@/stores/session';
import { setRouterParams } from '../../../../../tests/ui/taro-mock';
import { binding, fail, me, ok, programCloud, request } from '../../../../../tests/ui/cloud';
import { typeInto } from '../../../../../tests/ui/helpers';
import { useProfile } from '@/stores/profile';
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

  describe('the quota (SPEC 2.11)', () => {
    const worker = me();
    const withFree = (freeBalanceFen: number) => ({ me: () => ok(me({ person: { ...worker.person!, balanceFen: 300_000, freeBalanceFen } })) });

    beforeEach(() => useProfile.getState().clear());

    it('lets the sharer set a quota, bounded by the free balance, and shows the answer', async () => {
      const active = binding();
      const changed = { ...active, quotaFen: 50_000, quotaLeftFen: 50_000 };
      const { container, cloud } = await open(active, { ...withFree(100_000), setQuota: () => ok({ binding: changed }) });
      await click(buttonOf(container, 'detail-quota'));
      expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe('为李娜设定共济额度');
      expect(container.querySelector('.quota-dialog__explain')?.textContent).toContain('只能用于这位亲属');
      expect(container.querySelector('.quota-dialog__free')?.textContent).toContain('¥1,000.00');
      await typeInto(container, 'quota-input', '1000.01');
      expect(container.querySelector('.quota-input')!.closest('.text-field')!.querySelector('.field-error')?.textContent).toContain('¥1,000.00');
      await click(buttonOf(container, 'dialog-confirm'));
      expect(cloud).not.toHaveBeenCalledWith('setQuota', expect.anything());
      await typeInto(container, 'quota-input', '500');
      await click(buttonOf(container, 'dialog-confirm'));
      await settle();
      expect(cloud).toHaveBeenCalledWith('setQuota', { bindingId: active.bindingId, amountFen: 50_000 });
      expect(container.querySelector('.binding-card__quota')?.textContent).toBe('共济额度 ¥500.00，剩余 ¥500.00');
      expect(buttonOf(container, 'detail-quota').textContent).toBe('调整共济额度');
    });

    it("shows the server's refusal in the dialog and changes nothing", async () => {
      const active = binding({ quotaFen: 50_000, quotaLeftFen: 20_000 });
      const { container } = await open(active, {
        setQuota: () => fail('QUOTA_EXCEEDS_BALANCE', '共济额度不能超过您个人账户的可用余额，请调低额度后重试'),
      });
      await click(buttonOf(container, 'detail-quota'));
      expect(container.querySelector('.quota-dialog__now')?.textContent).toContain('现在的额度 ¥500.00，剩余 ¥200.00');
      await typeInto(container, 'quota-input', '900');
      await click(buttonOf(container, 'dialog-confirm'));
      await settle();
      expect(container.querySelector('.confirm-dialog__error')?.textContent).toContain('可用余额');
      expect(container.querySelector('.binding-card__quota')?.textContent).toBe('共济额度 ¥500.00，剩余 ¥200.00');
    });

    it('offers no quota to the relative, nor on a pending or ended binding, and says the rest returns on unbinding', async () => {
      expect((await open(binding({ viewerRole: 'relative' }))).container.querySelector('.detail-quota')).toBeNull();
      useMembers.getState().clear();
      const pending = binding({ status: 'pending', canPay: false, spentFen: 0, spentThisMonthFen: 0 });
      expect((await open(pending)).container.querySelector('.detail-quota')).toBeNull();
      useMembers.getState().clear();
      const { container } = await open(binding({ quotaFen: 50_000, quotaLeftFen: 20_000 }));
      await click(buttonOf(container, 'detail-unbind'));
      expect(container.querySelector('.unbind-explain')?.textContent).toContain('剩余的共济额度立即退回您的可用余额');
    });
  });

  describe('代缴 (SPEC 2.12)', () => {
    const offer = { year: 2027, amountFen: 40_000, window: '09-01..12-31', open: true, paid: false };
    const resident = (premium = offer) =>
      binding({ relative: { name: '李娜', idNumberMasked: '1301**********2424', insuranceType: 'resident', poolingRegion: '130100' }, premium });

    it('pays a relative\'s premium after a confirmation that says the amount and the year', async () => {
      const b = resident();
      const { container, cloud } = await open(b, { payPremium: () => ok({ paymentId: 'p1', amountFen: 40_000 }) });
      expect(container.querySelector('.premium-card__title')?.textContent).toBe('代缴2027年度城乡居民医保费');
      expect(container.querySelector('.premium-card__text')?.textContent).toContain('9月1日至12月31日');
      await click(buttonOf(container, 'premium-pay'));
      expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe('为李娜代缴2027年度居民医保费？');
      expect(cloud).not.toHaveBeenCalledWith('payPremium', expect.anything());
      await click(container.querySelectorAll('.dialog-confirm')[0]! as HTMLElement);
      await settle();
      expect(cloud).toHaveBeenCalledWith('payPremium', { bindingId: b.bindingId, year: 2027 });
      expect(container.querySelector('.premium-paid')?.textContent).toContain('已缴纳');
    });

    it('says when the window is closed or the premium is paid, and offers no button', async () => {
      const closed = await open(resident({ ...offer, open: false }));
      expect(closed.container.querySelector('.premium-closed')?.textContent).toContain('不在缴费期内');
      expect(closed.container.querySelector('.premium-pay')).toBeNull();
      closed.unmount();
      useMembers.getState().clear();
      const paid = await open(resident({ ...offer, paid: true }));
      expect(paid.container.querySelector('.premium-paid')).not.toBeNull();
      expect(paid.container.querySelector('.premium-pay')).toBeNull();
    });

    it('shows PREMIUM_ALREADY_PAID from the server as paid', async () => {
      const { container } = await open(resident(), { payPremium: () => fail('PREMIUM_ALREADY_PAID', '该亲属本年度的居民医保费已经缴纳，无需重复缴费') });
      await click(buttonOf(container, 'premium-pay'));
      await click(container.querySelectorAll('.dialog-confirm')[0]! as HTMLElement);
      await settle();
      expect(container.querySelector('.confirm-dialog__error')?.textContent).toContain('已经缴纳');
      expect(container.querySelector('.premium-paid')).not.toBeNull();
    });
  });
});
