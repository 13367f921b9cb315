import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import { runFaceCheck } from '@/services/faceCheck';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';
import { fail, ok, programCloud } from '../../../../tests/ui/cloud';
import { buttonOf, click, isDisabled, settle, typeInto } from '../../../../tests/ui/helpers';
import VerifyPage, { PROOF_EXPLAINED, SIMULATED_TITLE } from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));
vi.mock('@/services/faceCheck', () => ({ runFaceCheck: vi.fn() }));

const PERSON = { name: '陈静', idNumberMasked: '1302**********3261', insuranceType: 'employee', status: 'active', poolingRegion: '130200' } as const;
const ID = '11010519491231002X';
const FACE = { faceCheckId: 'fc-1', provider: 'dev', simulated: true } as const;

describe('identity verification', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: false } });
    vi.mocked(runFaceCheck).mockReset();
  });

  async function fill(container: HTMLElement) {
    await typeInto(container, 'verify-name', '陈静');
    await typeInto(container, 'verify-id', ID);
  }

  async function submit(container: HTMLElement) {
    await fill(container);
    await click(buttonOf(container, 'verify-submit'));
    await settle();
  }

  it('submits only a name and a well-formed ID number', async () => {
    const { container } = render(<VerifyPage />);
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(true);
    await typeInto(container, 'verify-name', '陈静');
    await typeInto(container, 'verify-id', '110105194912310021');
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(true);
    await typeInto(container, 'verify-id', ID);
    expect(isDisabled(buttonOf(container, 'verify-submit'))).toBe(false);
  });

  it('says the registry phone proved it, marks the session verified and goes home on request', async () => {
    const cloud = programCloud(callFunction, { verifyIdentity: () => ok({ person: PERSON, proof: 'registry_phone' }) });
    const { container } = render(<VerifyPage />);
    await submit(container);
    expect(cloud).toHaveBeenCalledWith('verifyIdentity', { name: '陈静', idNumber: ID });
    expect(useSession.getState().verified).toBe(true);
    expect(container.querySelector('.verify-proof-used')?.textContent).toContain('预留手机号验证');
    expect(container.textContent).toContain('1302**********3261');
    expect(Taro.reLaunch).not.toHaveBeenCalled();
    await click(buttonOf(container, 'verify-done'));
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.home });
  });

  it.each(['PROOF_REQUIRED', 'IDENTITY_IN_USE'] as const)('explains %s in plain words and offers the face check instead of submitting', async (code) => {
    programCloud(callFunction, { verifyIdentity: () => fail(code, '服务端的说明') });
    const { container } = render(<VerifyPage />);
    await submit(container);
    expect(container.querySelector('.verify-proof__title')?.textContent).toBe(PROOF_EXPLAINED[code].title);
    expect(container.querySelector('.verify-proof__text')?.textContent).toBe(PROOF_EXPLAINED[code].text);
    expect(container.querySelector('.verify-face')?.textContent).toBe('人脸核验');
    expect(container.querySelector('.verify-submit')).toBeNull();
    expect(useSession.getState().verified).toBe(false);
  });

  it('runs the simulated check of development in a dialog that says it is not real, then verifies with it', async () => {
    const calls: unknown[] = [];
    const cloud = programCloud(callFunction, {
      verifyIdentity: (event) => {
        calls.push(event);
        return event.faceCheckId ? ok({ person: PERSON, proof: 'face_check' }) : fail('PROOF_REQUIRED', '请证明是本人');
      },
      startFaceCheck: () => ok(FACE),
    });
    const { container } = render(<VerifyPage />);
    await submit(container);
    await click(buttonOf(container, 'verify-face'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('startFaceCheck', { name: '陈静', idNumber: ID });
    expect(container.querySelector('.confirm-dialog__title')?.textContent).toBe(SIMULATED_TITLE);
    expect(container.querySelector('.facecheck-simulated')?.textContent).toContain('不会核对真人');
    expect(runFaceCheck).not.toHaveBeenCalled();
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(calls).toEqual([{ name: '陈静', idNumber: ID }, { name: '陈静', idNumber: ID, faceCheckId: 'fc-1' }]);
    expect(container.querySelector('.verify-proof-used')?.textContent).toContain('人脸核验');
    expect(useSession.getState().verified).toBe(true);
  });

  it("uses WeChat's face check when the provider is real", async () => {
    const cloud = programCloud(callFunction, {
      verifyIdentity: (event) => (event.faceCheckId ? ok({ person: PERSON, proof: 'face_check' }) : fail('IDENTITY_IN_USE', '已被占用')),
      startFaceCheck: () => ok({ faceCheckId: 'fc-2', verifyId: 'wx-verify-9', provider: 'wechat', simulated: false }),
    });
    vi.mocked(runFaceCheck).mockResolvedValue({ ok: true });
    const { container } = render(<VerifyPage />);
    await submit(container);
    await click(buttonOf(container, 'verify-face'));
    await settle();
    expect(runFaceCheck).toHaveBeenCalledWith('wx-verify-9');
    expect(container.querySelector('.confirm-dialog')).toBeNull();
    expect(cloud).toHaveBeenLastCalledWith('verifyIdentity', { name: '陈静', idNumber: ID, faceCheckId: 'fc-2' });
    expect(container.querySelector('.verify-proof-used')?.textContent).toContain('人脸核验');
  });

  it('says a cancelled WeChat check was cancelled, and verifies nothing', async () => {
    let verifications = 0;
    programCloud(callFunction, {
      verifyIdentity: () => {
        verifications += 1;
        return fail('PROOF_REQUIRED', '请证明是本人');
      },
      startFaceCheck: () => ok({ faceCheckId: 'fc-2', verifyId: 'wx-verify-9', provider: 'wechat', simulated: false }),
    });
    vi.mocked(runFaceCheck).mockResolvedValue({ ok: false, cancelled: true, message: '您取消了人脸核验，需要时可以重新开始' });
    const { container } = render(<VerifyPage />);
    await submit(container);
    await click(buttonOf(container, 'verify-face'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe('您取消了人脸核验，需要时可以重新开始');
    expect(verifications).toBe(1);
  });

  it('offers the face check again when it failed', async () => {
    programCloud(callFunction, {
      verifyIdentity: (event) => (event.faceCheckId ? fail('FACE_CHECK_FAILED', '人脸核验未通过或已过期，请重新进行人脸核验') : fail('PROOF_REQUIRED', '请证明是本人')),
      startFaceCheck: () => ok(FACE),
    });
    const { container } = render(<VerifyPage />);
    await submit(container);
    await click(buttonOf(container, 'verify-face'));
    await settle();
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(container.querySelector('.banner--error')?.textContent).toBe('人脸核验未通过或已过期，请重新进行人脸核验');
    expect(container.querySelector('.verify-face')?.textContent).toBe('重新人脸核验');
    expect(useSession.getState().verified).toBe(false);
  });

  it.each([
    ['IDENTITY_MISMATCH', '姓名与身份证号码不匹配，或未查到您的参保信息，请核对后重新输入'],
    ['RATE_LIMITED', '实名认证尝试过于频繁，请一小时后再试'],
  ] as const)('shows %s as a banner', async (code, message) => {
    programCloud(callFunction, { verifyIdentity: () => fail(code, message) });
    const { container } = render(<VerifyPage />);
    await submit(container);
    expect(container.querySelector('.banner--error')?.textContent).toBe(message);
    expect(container.querySelector('.verify-face')).toBeNull();
  });

  it('shows a refused name at the name field', async () => {
    programCloud(callFunction, { verifyIdentity: () => fail('INVALID_INPUT', '姓名含有不可见字符', 'name') });
    const { container } = render(<VerifyPage />);
    await submit(container);
    const nameField = container.querySelector('.verify-name')!.closest('.text-field')!;
    expect(nameField.querySelector('.field-error')?.textContent).toBe('姓名含有不可见字符');
  });

  it('ends the session on the server when switching to another phone number', async () => {
    const cloud = programCloud(callFunction, { logout: () => ok({ ended: 1 }) });
    const { container } = render(<VerifyPage />);
    await click(buttonOf(container, 'verify-switch'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('logout', {});
    expect(useSession.getState().token).toBeNull();
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.login });
  });
});
