import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';
import { fail, ok, programCloud } from '../../../../tests/ui/cloud';
import { buttonOf, click, isDisabled, settle, typeInto } from '../../../../tests/ui/helpers';
import VerifyPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const PERSON = { name: '陈静', idNumberMasked: '1302**********3261', insuranceType: 'employee', status: 'active', poolingRegion: '130200' };

describe('identity verification', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: false } });
  });

  async function fill(container: HTMLElement) {
    await typeInto(container, 'verify-name', '陈静');
    await typeInto(container, 'verify-id', '11010519491231002X');
  }

  it('submits only a name and a well-formed ID number', async () => {
    const { container } = render(<VerifyPage />);
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(true);
    await typeInto(container, 'verify-name', '陈静');
    await typeInto(container, 'verify-id', '110105194912310021');
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(true);
    await typeInto(container, 'verify-id', '11010519491231002X');
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(false);
  });

  it('marks the session verified and goes home', async () => {
    programCloud(callFunction, { verifyIdentity: () => ok({ person: PERSON as never }) });
    const { container } = render(<VerifyPage />);
    await fill(container);
    await click(buttonOf(container, 'verify-submit'));
    await settle();
    expect(useSession.getState().verified).toBe(true);
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home });
  });

  it.each([
    ['IDENTITY_MISMATCH', '姓名与身份证号码不匹配，或未查到您的参保信息，请核对后重新输入'],
    ['IDENTITY_IN_USE', '该身份已绑定其他账号，请使用原账号登录，或到医保经办大厅办理'],
    ['RATE_LIMITED', '实名认证尝试过于频繁，请一小时后再试'],
  ] as const)('shows %s as a banner', async (code, message) => {
    programCloud(callFunction, { verifyIdentity: () => fail(code, message) });
    const { container } = render(<VerifyPage />);
    await fill(container);
    await click(buttonOf(container, 'verify-submit'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe(message);
  });

  it('shows a refused name at the name field', async () => {
    programCloud(callFunction, { verifyIdentity: () => fail('INVALID_INPUT', '姓名含有不可见字符', 'name') });
    const { container } = render(<VerifyPage />);
    await fill(container);
    await click(buttonOf(container, 'verify-submit'));
    await settle();
    const nameField = container.querySelector('.verify-name')!.closest('.text-field')!;
    expect(nameField.querySelector('.field-error')?.textContent).toBe('姓名含有不可见字符');
  });
});
