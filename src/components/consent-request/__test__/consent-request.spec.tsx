import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { useRequestAnswers } from '@/hooks/useRequestAnswers';
import { CONSENT_DISCLOSURE } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { useMembers } from '@/stores/members';
import { fail, membership, ok, programCloud, request } from '../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../tests/ui/helpers';
import ConsentRequest, { type PendingRequest } from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

function Harness({ item, onAnswered }: { item: PendingRequest; onAnswered?: () => void }) {
  const answers = useRequestAnswers(onAnswered);
  return <ConsentRequest request={item} answers={answers} />;
}

describe('a request that waits for my answer', () => {
  beforeEach(() => {
    useMembers.getState().clear();
    vi.mocked(callFunction).mockClear();
  });

  it('says who asks (masked), the relationship they claim and what they would see', () => {
    const { container } = render(<Harness item={{ kind: 'binding', binding: request() }} />);
    expect(container.querySelector('.request-who')?.textContent).toBe('马*（1303**********1135）');
    expect(container.querySelector('.request-relation')?.textContent).toBe('您是其子女');
    expect(container.querySelector('.request-disclosure')?.textContent).toBe(CONSENT_DISCLOSURE);
    const answers = Array.from(container.querySelectorAll('.consent-request__button')).map((b) => b.textContent);
    expect(answers).toEqual(['同意', '拒绝', '不是我的亲属']);
  });

  it('confirms, and the binding the server answers replaces the request', async () => {
    const confirmed = request({ status: 'active', canPay: true });
    const cloud = programCloud(callFunction, { confirmBinding: () => ok({ binding: confirmed }) });
    const onAnswered = vi.fn();
    const { container } = render(<Harness item={{ kind: 'binding', binding: request() }} onAnswered={onAnswered} />);
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('confirmBinding', { bindingId: request().bindingId });
    expect(useMembers.getState().asRelative).toEqual([confirmed]);
    expect(onAnswered).toHaveBeenCalled();
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '已同意，共济生效', icon: 'success' });
  });

  it('asks once more before declining, then declines', async () => {
    const cloud = programCloud(callFunction, { declineBinding: () => ok({ binding: request({ status: 'declined' }) }) });
    const { container } = render(<Harness item={{ kind: 'binding', binding: request() }} />);
    await click(buttonOf(container, 'request-decline'));
    expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe('拒绝这条共济申请？');
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('declineBinding', { bindingId: request().bindingId });
    expect(container.querySelector('.confirm-dialog')).toBeNull();
  });

  it('says that "not my relative" blocks that person for 180 days before sending it', async () => {
    const cloud = programCloud(callFunction, { declineBinding: () => ok({ binding: request({ status: 'declined' }) }) });
    const { container } = render(<Harness item={{ kind: 'binding', binding: request() }} />);
    await click(buttonOf(container, 'request-not-mine'));
    expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe('马*不是您的亲属？');
    expect(container.querySelector('.request-dialog-text')?.textContent).toContain('180 天内马*不能再申请为您开通家庭共济');
    expect(cloud).not.toHaveBeenCalled();
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('declineBinding', { bindingId: request().bindingId, notMyRelative: true });
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '已拒绝并阻止对方', icon: 'success' });
  });

  it('shows a refusal at the request, and keeps it', async () => {
    programCloud(callFunction, { confirmBinding: () => fail('NOT_FOUND', '这条申请已失效，请刷新后查看') });
    const { container } = render(<Harness item={{ kind: 'binding', binding: request() }} />);
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    expect(container.querySelector('.consent-request__error')?.textContent).toBe('这条申请已失效，请刷新后查看');
    expect(useMembers.getState().asRelative).toEqual([]);
  });

  it('lets a family-account member agree, and says what not answering means', async () => {
    const cloud = programCloud(callFunction, { confirmFamilyMember: () => ok({ member: membership({ consent: 'confirmed' }) }) });
    const onAnswered = vi.fn();
    const { container } = render(<Harness item={{ kind: 'membership', membership: membership() }} onAnswered={onAnswered} />);
    expect(container.querySelector('.request-who')?.textContent).toBe('黄*（1301**********3335）');
    expect(container.querySelector('.request-disclosure')?.textContent).toContain('出示您本人的医保码');
    expect(container.querySelector('.request-decline')).toBeNull();
    expect(container.querySelector('.consent-request__hint')?.textContent).toContain('您同意之前，对方不能出示您的医保码');
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('confirmFamilyMember', { memberId: membership().memberId });
    expect(onAnswered).toHaveBeenCalled();
  });
});
