import { act, fireEvent, render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { PAYMENT_RULE_TEXT } from '@/rules/payability';
import { UNDERTAKING } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { useSession } from '@/stores/session';
import { binding, fail, ok, programCloud } from '../../../../../tests/ui/cloud';
import { buttonOf, click, isDisabled, settle } from '../../../../../tests/ui/helpers';
import RelativeConfirmPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));
// Taro's H5 date picker is a scrolling wheel that jsdom cannot scroll: in its place, a field that
// hands the page what the wheel would (`{ detail: { value: 'YYYY-MM-DD' } }`), with the same
// bounds. The real wheel is driven in the browser tests.
vi.mock('@tarojs/components', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@tarojs/components')>();
  function Picker(props: { start?: string; end?: string; value?: string; onChange?: (event: { detail: { value: string } }) => void; children?: React.ReactNode }) {
    return (
      <div className='test-date-picker'>
        <input type='date' min={props.start} max={props.end} defaultValue={props.value} onChange={(event) => props.onChange?.({ detail: { value: event.target.value } })} />
        {props.children}
      </div>
    );
  }
  return { ...actual, Picker };
});

const FULL_ID = '11010519491231002X';

async function accept(container: HTMLElement) {
  await click(container.querySelector('.undertaking-accept')!);
}

/** Picks a day in the date picker. */
async function pickDay(container: HTMLElement, value: string) {
  const picker = container.querySelector<HTMLInputElement>('.test-date-picker input')!;
  await act(async () => {
    fireEvent.change(picker, { target: { value } });
  });
}

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
    expect(container.querySelector('.confirm-term--rule')?.textContent).toBe(PAYMENT_RULE_TEXT);
  });

  it('shows the undertaking and sends nothing until it is ticked', async () => {
    const cloud = programCloud(callFunction, { bindRelative: () => ok({ binding: binding() }) });
    const { container } = render(<RelativeConfirmPage />);
    expect(container.querySelector('.undertaking__title')?.textContent).toBe(UNDERTAKING.title);
    const paragraphs = Array.from(container.querySelectorAll('.undertaking__paragraph')).map((p) => p.textContent);
    expect(paragraphs).toEqual([...UNDERTAKING.paragraphs]);
    expect(container.querySelector('.undertaking-accept')?.textContent).toContain('我已阅读并同意以上承诺');
    expect(isDisabled(buttonOf(container, 'confirm-submit'))).toBe(true);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(cloud).not.toHaveBeenCalledWith('bindRelative', expect.anything());

    await accept(container);
    expect(container.querySelector('.undertaking-accept--checked')?.textContent).toContain('✓');
    expect(isDisabled(buttonOf(container, 'confirm-submit'))).toBe(false);
    await accept(container);
    expect(isDisabled(buttonOf(container, 'confirm-submit'))).toBe(true);
  });

  it('sends an end date later than today, and refuses today', async () => {
    const cloud = programCloud(callFunction, { bindRelative: () => ok({ binding: binding({ endsOn: '2099-06-30' }) }) });
    const { container } = render(<RelativeConfirmPage />);
    expect(container.querySelector('.confirm-ends__value')?.textContent).toBe('长期有效（点此设定）');
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await pickDay(container, today);
    expect(container.querySelector('.confirm-banner')?.textContent).toContain('共济有效期须晚于今天');
    expect(container.querySelector('.confirm-ends__value')?.textContent).toBe('长期有效（点此设定）');
    await pickDay(container, '2099-06-30');
    expect(container.querySelector('.confirm-ends__value')?.textContent).toBe('2099年6月30日');
    expect(container.querySelector('.confirm-banner')).toBeNull();
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('bindRelative', {
      name: '王秀兰',
      idNumber: FULL_ID,
      relationship: 'parent',
      acceptUndertaking: true,
      endsOn: '2099-06-30',
    });
  });

  it('takes an end date back when asked', async () => {
    const { container } = render(<RelativeConfirmPage />);
    await pickDay(container, '2099-06-30');
    await click(buttonOf(container, 'confirm-ends-clear'));
    expect(container.querySelector('.confirm-ends__value')?.textContent).toBe('长期有效（点此设定）');
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
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('bindRelative', { name: '王秀兰', idNumber: FULL_ID, relationship: 'parent', acceptUndertaking: true });
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
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(useRelativeDraft.getState().serverError).toMatchObject({ code: 'RELATIVE_NOT_INSURED', field: 'idNumber' });
    expect(useRelativeDraft.getState().idNumber).toBe(FULL_ID);
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('says a pending binding waits for the relative', async () => {
    const pending = binding({ bindingId: '00000000-0000-4000-8000-0000000000fe', status: 'pending', canPay: false });
    programCloud(callFunction, { bindRelative: () => ok({ binding: pending }) });
    const { container } = render(<RelativeConfirmPage />);
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(Taro.showToast).toHaveBeenCalledWith({ title: '已提交，待亲属确认', icon: 'success' });
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: `${ROUTES.relativeDetail}?bindingId=${pending.bindingId}` });
  });

  it('keeps a refusal of the end date on this page', async () => {
    programCloud(callFunction, { bindRelative: () => fail('INVALID_INPUT', '共济有效期须晚于今天', 'endsOn') });
    const { container } = render(<RelativeConfirmPage />);
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(container.querySelector('.confirm-banner')?.textContent).toBe('共济有效期须晚于今天');
    expect(Taro.navigateBack).not.toHaveBeenCalled();
    expect(useRelativeDraft.getState().serverError).toBeNull();
  });

  it('sends an empty draft (a deep link) back to the form', async () => {
    useRelativeDraft.getState().reset();
    render(<RelativeConfirmPage />);
    await settle();
    expect(Taro.redirectTo).toHaveBeenCalledWith({ url: ROUTES.relativeAdd });
  });

  it('sends the quota in fen and says what it freezes, instead of the balance rule (SPEC 2.11)', async () => {
    useRelativeDraft.getState().update({ quota: '1,000.50' });
    const cloud = programCloud(callFunction, { bindRelative: () => ok({ binding: binding({ quotaFen: 100_050, quotaLeftFen: 100_050 }) }) });
    const { container } = render(<RelativeConfirmPage />);
    expect(container.querySelector('.confirm-quota')?.textContent).toBe('¥1,000.50');
    expect(container.querySelector('.confirm-term--quota')?.textContent).toContain('将从您的个人账户中冻结 ¥1,000.50 作为王秀兰的共济额度');
    expect(container.querySelector('.confirm-term--rule')).toBeNull();
    await accept(container);
    await click(buttonOf(container, 'confirm-submit'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('bindRelative', {
      name: '王秀兰',
      idNumber: FULL_ID,
      relationship: 'parent',
      acceptUndertaking: true,
      quotaFen: 100_050,
    });
  });
});
