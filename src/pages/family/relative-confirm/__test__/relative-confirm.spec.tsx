import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { useSession } from '@/stores/session';
import { binding, fail, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../../tests/ui/helpers';
import RelativeConfirmPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const FULL_ID = '11010519491231002X';

describe('the summary before adding a relative', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useMembers.getState().clear();
    useProfile.setState({ policy: null });
    useRelativeDraft.getState().reset();
    useRelativeDraft.getState().update({ relationship: 'parent', name: '王秀兰', idNumber: FULL_ID });
  });

  it('says exactly what will be shared, with the ID number masked', async () => {
    const { container } = render(<RelativeConfirmPage />);
    expect(container.querySelector('.confirm-relationship')?.textContent).toBe('父母');
    expect(container.querySelector('.confirm-name')?.textContent).toBe('王秀兰');
    expect(container.querySelector('.confirm-id')?.textContent).toBe('1101**********002X');
    expect(container.textContent).not.toContain(FULL_ID);
    expect(screen.getByText(/共享的只有您职工医保个人账户的余额/)).toBeTruthy();
    expect(screen.getByText(/解除立即生效，已发生的记录会保留/)).toBeTruthy();
  });

  it("says when the relative must confirm under the region's policy", async () => {
    useProfile.setState({
      policy: { poolingRegion: '130300', relativeScope: 'near', sharingScope: 'province', maxRelatives: 8, allowPartial: false, consentFromAge: 16, relationships: ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'] },
    });
    const { container } = render(<RelativeConfirmPage />);
    expect(container.querySelector('.confirm-term--consent')?.textContent).toContain('16岁及以上的亲属需本人登录小程序确认后才生效');
  });

  it('binds, keeps the new binding and opens it', async () => {
    const bound = binding({ bindingId: '00000000-0000-4000-8000-0000000000ff', relationship: 'parent' });
    const cloud = programCloud(callFunction, { bindRelative: () => ok({ binding: bound }) });
    const { container } = render(<RelativeConfirmPage />);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('bindRelative', { name: '王秀兰', idNumber: FULL_ID, relationship: 'parent' });
    expect(useMembers.getState().asSharer[0]?.bindingId).toBe(bound.bindingId);
    expect(useRelativeDraft.getState().idNumber).toBe('');
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `${ROUTES.relativeDetail}?bindingId=${bound.bindingId}` });
  });

  it('takes a refusal back to the form, where it shows at its field', async () => {
    programCloud(callFunction, {
      bindRelative: () => fail('RELATIVE_NOT_INSURED', '未查到该亲属的有效基本医保参保信息', 'idNumber'),
    });
    (Taro.getCurrentPages as unknown as ReturnType<typeof vi.fn>).mockReturnValue([{ route: 'a' }, { route: 'b' }]);
    const { container } = render(<RelativeConfirmPage />);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(useRelativeDraft.getState().serverError).toMatchObject({ code: 'RELATIVE_NOT_INSURED', field: 'idNumber' });
    expect(useRelativeDraft.getState().idNumber).toBe(FULL_ID);
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('sends an empty draft (a deep link) back to the form', async () => {
    useRelativeDraft.getState().reset();
    render(<RelativeConfirmPage />);
    await settle();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: ROUTES.relativeAdd });
  });
});
