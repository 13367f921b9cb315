import { render, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';
import { fail, ok, programCloud } from '../../../../tests/ui/cloud';
import { buttonOf, click, inputOf, isDisabled, settle, typeInto } from '../../../../tests/ui/helpers';
import LoginPage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const GUIDE = {
  phones: [{ phone: '13800000001', who: '张伟（职工，石家庄）', shows: '共济人' }],
  relatives: [{ name: '王秀兰', idNumber: '130100195811305220', note: '张伟的母亲' }],
};
const LOGIN = (verified: boolean) => ok({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified } });

describe('the login page', () => {
  beforeEach(() => {
    useSession.getState().signOut();
    programCloud(callFunction, {
      demoGuide: () => ok(GUIDE),
      sendCode: () => ok({ cooldownSeconds: 60, devCode: '123456' }),
      login: () => LOGIN(true),
    });
  });

  it('lists the demo phones in development and fills one in on a tap', async () => {
    const { container } = render(<LoginPage />);
    await settle();
    expect(container.querySelector('.demo-guide')).not.toBeNull();
    expect(screen.getByText('王秀兰 130100195811305220')).toBeTruthy();
    await click(container.querySelector('.demo-phone--13800000001')!);
    expect((await inputOf(container, 'login-phone')).value).toBe('13800000001');
  });

  it('shows no demo hint when the server refuses it (production)', async () => {
    programCloud(callFunction, { demoGuide: () => fail('FORBIDDEN', '演示数据仅在开发环境提供') });
    const { container } = render(<LoginPage />);
    await settle();
    expect(container.querySelector('.demo-guide')).toBeNull();
  });

  it('sends the code, fills the development code in and logs in', async () => {
    const cloud = programCloud(callFunction, {
      demoGuide: () => ok(GUIDE),
      sendCode: () => ok({ cooldownSeconds: 60, devCode: '123456' }),
      login: () => LOGIN(true),
    });
    const { container } = render(<LoginPage />);
    expect(isDisabled(buttonOf(container, 'login-submit'))).toBe(true);
    await typeInto(container, 'login-phone', '13800000001');
    await click(buttonOf(container, 'login-send'));
    await settle();
    expect((await inputOf(container, 'login-code')).value).toBe('123456');
    expect(buttonOf(container, 'login-send').textContent).toBe('60秒后重新获取');
    expect(isDisabled(buttonOf(container, 'login-submit'))).toBe(false);
    await click(buttonOf(container, 'login-submit'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('login', { phone: '13800000001', code: '123456' });
    expect(useSession.getState().token).toBe('T');
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home });
  });

  it('sends an unverified user to identity verification', async () => {
    programCloud(callFunction, { sendCode: () => ok({ cooldownSeconds: 60, devCode: '123456' }), login: () => LOGIN(false) });
    const { container } = render(<LoginPage />);
    await typeInto(container, 'login-phone', '13800000005');
    await click(buttonOf(container, 'login-send'));
    await settle();
    await click(buttonOf(container, 'login-submit'));
    await settle();
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.verify });
  });

  it('shows a wrong code at the code field', async () => {
    programCloud(callFunction, { login: () => fail('INVALID_CODE', '验证码错误，还可尝试 4 次') });
    const { container } = render(<LoginPage />);
    await typeInto(container, 'login-phone', '13800000001');
    await typeInto(container, 'login-code', '000000');
    await click(buttonOf(container, 'login-submit'));
    await settle();
    const codeField = container.querySelector('.login-code')!.closest('.text-field')!;
    expect(codeField.querySelector('.field-error')?.textContent).toBe('验证码错误，还可尝试 4 次');
  });

  it('shows RATE_LIMITED as a banner', async () => {
    programCloud(callFunction, { sendCode: () => fail('RATE_LIMITED', '验证码已发送，请在 42 秒后再重新获取') });
    const { container } = render(<LoginPage />);
    await typeInto(container, 'login-phone', '13800000001');
    await click(buttonOf(container, 'login-send'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe('验证码已发送，请在 42 秒后再重新获取');
  });

  it('shows a refused phone number at the phone field', async () => {
    programCloud(callFunction, { sendCode: () => fail('INVALID_INPUT', '请输入11位中国大陆手机号码', 'phone') });
    const { container } = render(<LoginPage />);
    await typeInto(container, 'login-phone', '19999999999');
    await click(buttonOf(container, 'login-send'));
    await settle();
    const phoneField = container.querySelector('.login-phone')!.closest('.text-field')!;
    expect(phoneField.querySelector('.field-error')?.textContent).toBe('请输入11位中国大陆手机号码');
  });

  it('shows a network failure in Chinese', async () => {
    programCloud(callFunction, { sendCode: () => fail('NETWORK_ERROR', '网络异常，请稍后重试') });
    const { container } = render(<LoginPage />);
    await typeInto(container, 'login-phone', '13800000001');
    await click(buttonOf(container, 'login-send'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe('网络异常，请稍后重试');
  });

  it('goes straight home with a live session', async () => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    render(<LoginPage />);
    await settle();
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home });
  });
});
