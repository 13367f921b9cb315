import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BLOCKER_SHORT } from '@/rules/notices';
import { PENDING_NOTE } from '@/rules/undertaking';
import { binding } from '../../../../tests/ui/cloud';
import BindingCard from '../index';

describe('BindingCard', () => {
  it('shows my relative, the status and what was spent this month and in total', () => {
    const { container } = render(<BindingCard binding={binding()} />);
    expect(container.querySelector('.binding-card__name')?.textContent).toBe('李娜');
    expect(container.querySelector('.binding-card__relation')?.textContent).toBe('配偶');
    expect(container.querySelector('.status-tag')?.textContent).toBe('生效');
    const amounts = Array.from(container.querySelectorAll('.amount')).map((a) => a.textContent);
    expect(amounts).toEqual(['¥35.00', '¥163.50']);
    expect(container.textContent).toContain('1301**********2424');
    expect(container.textContent).toContain('2026年1月10日 开通');
  });

  it('shows who pays for me when I am the relative', () => {
    const { container } = render(
      <BindingCard binding={binding({ viewerRole: 'relative', sharer: { name: '张*', idNumberMasked: '1301**********131X' } })} />,
    );
    expect(container.querySelector('.binding-card__name')?.textContent).toBe('张*');
    expect(container.querySelector('.binding-card__relation')?.textContent).toBe('您是其配偶');
  });

  it('says an active binding that cannot pay today is not 生效, and why', () => {
    const { container } = render(<BindingCard binding={binding({ canPay: false, blockedBy: 'SHARER_NOT_ELIGIBLE' })} />);
    expect(container.querySelector('.status-tag')?.textContent).toBe(`暂不能支付（${BLOCKER_SHORT.SHARER_NOT_ELIGIBLE}）`);
    expect(container.textContent).not.toContain('生效');
  });

  it("tells the sharer of a pending binding that it waits for the relative, and shows no spending", () => {
    const { container } = render(<BindingCard binding={binding({ status: 'pending', canPay: false, spentFen: 0, spentThisMonthFen: 0 })} />);
    expect(container.querySelector('.status-tag')?.textContent).toBe('待确认');
    expect(container.querySelector('.binding-card__note--pending')?.textContent).toBe(PENDING_NOTE);
    expect(container.querySelectorAll('.amount')).toHaveLength(0);
    expect(container.textContent).toContain('2026年1月10日 申请');
  });

  it.each([
    ['declined', '已拒绝', { endedAt: '2026-01-12T01:00:00Z' }, '2026年1月10日 申请，2026年1月12日 被拒绝'],
    ['unbound', '已解绑', { endedAt: '2026-02-01T01:00:00Z', endedBy: 'relative' }, '2026年1月10日 开通，2026年2月1日 解除（由对方解除）'],
    ['unbound', '已解绑', { endedAt: '2026-02-01T01:00:00Z', endedBy: 'sharer' }, '2026年1月10日 开通，2026年2月1日 解除（由您解除）'],
    ['expired', '已到期', { endsOn: '2026-06-30', endedAt: '2026-06-29T16:00:00Z' }, '2026年1月10日 开通，2026年6月30日 到期'],
    ['active', '生效', { endsOn: '2026-12-31' }, '2026年1月10日 开通，有效期至 2026年12月31日'],
  ] as const)('labels a %s binding %s and says when', (status, label, extra, dates) => {
    const { container } = render(<BindingCard binding={binding({ status, canPay: status === 'active', ...extra })} />);
    expect(container.querySelector('.status-tag')?.textContent).toBe(label);
    expect(container.querySelector('.binding-card__since')?.textContent).toBe(dates);
  });
});

describe('BindingCard with a quota (SPEC 2.11) and automatic ends (2.1)', () => {
  it('shows the quota and what is left on a live binding', () => {
    const { container } = render(<BindingCard binding={binding({ quotaFen: 50_000, quotaLeftFen: 38_000 })} />);
    expect(container.querySelector('.binding-card__quota')?.textContent).toBe('共济额度 ¥500.00，剩余 ¥380.00');
  });

  it('says when the quota is spent', () => {
    const { container } = render(
      <BindingCard binding={binding({ quotaFen: 50_000, quotaLeftFen: 0, canPay: false, blockedBy: 'QUOTA_SPENT' })} />,
    );
    expect(container.querySelector('.binding-card__quota')?.textContent).toContain('额度已用完');
  });

  it('shows no quota on a binding without one, nor on an ended binding (it was returned)', () => {
    expect(render(<BindingCard binding={binding()} />).container.querySelector('.binding-card__quota')).toBeNull();
    const ended = binding({ status: 'unbound', canPay: false, endedAt: '2026-02-01T01:00:00Z', endedBy: 'sharer', quotaFen: 50_000, quotaLeftFen: 0 });
    expect(render(<BindingCard binding={ended} />).container.querySelector('.binding-card__quota')).toBeNull();
  });

  it.each([
    ['insurance_ended', '一方医保参保关系终止，自动解除'],
    ['region_moved', '一方医保关系转移到其他统筹地区，自动解除'],
  ] as const)('says a binding ended by itself because of %s', (endedReason, text) => {
    const ended = binding({ status: 'unbound', canPay: false, endedAt: '2026-02-01T01:00:00Z', endedBy: 'system', endedReason });
    expect(render(<BindingCard binding={ended} />).container.textContent).toContain(text);
  });
});
