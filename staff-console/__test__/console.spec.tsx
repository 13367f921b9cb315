import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { makeIdNumber } from '../../server/demo/idNumbers';
import { maskIdNumber } from '@/rules/mask';
import { App } from '../src/App';
import { ConfirmDialog } from '../src/components/ConfirmDialog';

const ID = makeIdNumber('130100', '1948-05-06', 157);
const FULL_ID = /\d{17}[\dX]/;

const LOOKUP = {
  person: { name: '赵德明', idNumberMasked: maskIdNumber(ID), insuranceType: 'employee', status: 'active', poolingRegion: '130100', balanceFen: 256_000 },
  asSharer: [
    {
      bindingId: 'b1',
      status: 'active',
      canPay: false,
      blockedBy: 'BALANCE_ZERO',
      relationship: 'child',
      createdAt: '2026-12-01T08:00:00.000Z',
      sharer: { name: '赵德明', idNumberMasked: maskIdNumber(ID) },
      relative: { name: '赵小梅', idNumberMasked: '1301**********2681', insuranceType: 'resident', poolingRegion: '130100' },
      spentFen: 12_345,
    },
  ],
  asRelative: [],
  familyAccount: { members: [], asMember: [] },
  records: [],
  findings: [{ code: 'BALANCE_ZERO', message: '共济人的个人账户余额为零', action: '请共济人确认账户余额' }],
  risks: [],
  staffActs: [],
};

type Answer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; field?: string } };

function mockApi(answers: Record<string, Answer | ((body: Record<string, unknown>) => Answer)>) {
  const calls: Array<{ name: string; body: Record<string, unknown>; auth: string | null }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const name = url.replace('/api/', '');
      const body = JSON.parse(String(init.body)) as Record<string, unknown>;
      calls.push({ name, body, auth: new Headers(init.headers).get('authorization') });
      const answer = answers[name];
      const envelope = typeof answer === 'function' ? answer(body) : (answer ?? { ok: false, error: { code: 'NOT_FOUND', message: '没有这个云函数' } });
      return new Response(JSON.stringify(envelope), { status: envelope.ok ? 200 : 400, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}

function type(label: string | RegExp, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

beforeEach(() => {
  sessionStorage.clear();
  localStorage.clear();
  vi.stubGlobal('requestAnimationFrame', (fn: () => void) => setTimeout(fn, 0));
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('the console', () => {
  test('logs in, keeps the token in sessionStorage only, and shows the person masked', async () => {
    const calls = mockApi({
      staffLogin: { ok: true, data: { token: 'tok-1', staff: { staffId: 's1', name: '刘经办', role: 'handler' } } },
      staffLookup: { ok: true, data: LOOKUP },
    });
    render(<App />);
    type('用户名', 'e2e.handler');
    type('密码', 'secret');
    type('动态验证码', '123456');
    fireEvent.click(screen.getByRole('button', { name: '登录' }));
    await screen.findByText('刘经办（经办）');
    expect(sessionStorage.getItem('staffConsole.token')).toBe('tok-1');
    expect(localStorage.length).toBe(0);

    type('身份证号', ID);
    type(/查询事由/, '本人到厅办理');
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await screen.findByRole('heading', { name: /赵德明/ });
    expect(calls.at(-1)).toEqual({ name: 'staffLookup', body: { idNumber: ID, reason: '本人到厅办理' }, auth: 'Bearer tok-1' });
    const text = document.body.textContent ?? '';
    expect(text).not.toMatch(FULL_ID);
    expect(text).toContain(maskIdNumber(ID));
    expect(text).toContain('暂不能支付');
    expect(text).toContain('¥123.45');
    expect(text).toContain('¥2,560.00');
    expect(text).toContain('未关联小程序账户');
  });

  test('asks for a reason before looking anybody up', async () => {
    sessionStorage.setItem('staffConsole.token', 'tok-1');
    sessionStorage.setItem('staffConsole.staff', JSON.stringify({ staffId: 's1', name: '王客服', role: 'agent' }));
    const calls = mockApi({});
    render(<App />);
    type('身份证号', ID);
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/查询事由/);
    expect(calls).toEqual([]);
  });

  test('shows the envelope message of a refused act in the dialog and keeps it open', async () => {
    sessionStorage.setItem('staffConsole.token', 'tok-1');
    sessionStorage.setItem('staffConsole.staff', JSON.stringify({ staffId: 's1', name: '刘经办', role: 'handler' }));
    const calls = mockApi({
      staffLookup: { ok: true, data: LOOKUP },
      staffAct: { ok: false, error: { code: 'FORBIDDEN', message: '该手机号的账号已认证为另一位参保人，请换一个手机号', field: 'phone' } },
    });
    render(<App />);
    type('身份证号', ID);
    type(/查询事由/, '本人到厅办理');
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await screen.findByRole('heading', { name: /赵德明/ });

    type('小程序账户手机号', '13912348801');
    fireEvent.click(screen.getByRole('button', { name: '关联身份' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/凭证编号/);
    expect(screen.queryByRole('dialog')).toBeNull();

    type('凭证编号', 'SFZ-1');
    fireEvent.click(screen.getByRole('button', { name: '关联身份' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('13912348801');
    fireEvent.click(screen.getByRole('button', { name: /^确认/ }));
    await waitFor(() => expect(dialog.textContent).toContain('请换一个手机号'));
    expect(calls.at(-1)?.body).toEqual({ action: 'linkIdentity', personIdNumber: ID, evidence: { kind: 'id_card', ref: 'SFZ-1' }, phone: '13912348801' });
  });

  test('an agent can look up but is offered no act', async () => {
    sessionStorage.setItem('staffConsole.token', 'tok-1');
    sessionStorage.setItem('staffConsole.staff', JSON.stringify({ staffId: 's1', name: '王客服', role: 'agent' }));
    mockApi({ staffLookup: { ok: true, data: LOOKUP } });
    render(<App />);
    type('身份证号', ID);
    type(/查询事由/, '来电咨询');
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await screen.findByRole('heading', { name: /赵德明/ });
    expect(screen.queryByRole('button', { name: '解除共济' })).toBeNull();
    expect(screen.queryByRole('button', { name: '审计记录' })).toBeNull();
    expect(document.body.textContent).toContain('只能查询');
  });

  test('an expired session goes back to the login page with the message', async () => {
    sessionStorage.setItem('staffConsole.token', 'tok-old');
    sessionStorage.setItem('staffConsole.staff', JSON.stringify({ staffId: 's1', name: '刘经办', role: 'handler' }));
    mockApi({ staffLookup: { ok: false, error: { code: 'UNAUTHENTICATED', message: '登录已过期，请重新登录' } } });
    render(<App />);
    type('身份证号', ID);
    type(/查询事由/, '来电咨询');
    fireEvent.click(screen.getByRole('button', { name: '查询' }));
    await screen.findByRole('heading', { name: '经办人员登录' });
    expect(document.body.textContent).toContain('登录已过期，请重新登录');
    expect(sessionStorage.getItem('staffConsole.token')).toBeNull();
  });
});

describe('the confirmation dialog', () => {
  test('is a dialog that takes the focus, keeps it inside, and closes on Esc', () => {
    const onCancel = vi.fn();
    const onConfirm = vi.fn();
    const opener = document.createElement('button');
    document.body.append(opener);
    opener.focus();
    const { unmount } = render(<ConfirmDialog title="解除共济关系" lines={['将解除共济关系。']} confirmLabel="确认解除" busy={false} error={null} onConfirm={onConfirm} onCancel={onCancel} />);
    const dialog = screen.getByRole('dialog', { name: '解除共济关系' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.contains(document.activeElement)).toBe(true);
    expect(dialog.textContent).toContain('确认后将立即执行');

    const confirm = screen.getByRole('button', { name: '确认解除' });
    confirm.focus();
    fireEvent.keyDown(confirm, { key: 'Tab' });
    expect(document.activeElement?.textContent).toBe('取消');

    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(onCancel).toHaveBeenCalledTimes(1);
    expect(onConfirm).not.toHaveBeenCalled();
    unmount();
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});
