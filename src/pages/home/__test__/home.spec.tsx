import { render } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { CONSENT_DISCLOSURE } from '@/rules/undertaking';
import { callFunction } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useSession } from '@/stores/session';
import { binding, fail, me, membership, ok, programCloud, request } from '../../../../tests/ui/cloud';
import { buttonOf, click, settle } from '../../../../tests/ui/helpers';
import HomePage from '../index';

vi.mock('@/services/cloud', () => ({ callFunction: vi.fn() }));

const RESIDENT = me({
  phone: '13800000008',
  person: { name: '马小龙', idNumberMasked: '1303**********2235', insuranceType: 'resident', status: 'active', poolingRegion: '130300' },
});

async function renderHome() {
  const view = render(<HomePage />);
  await settle();
  await settle();
  return view;
}

const entries = (container: HTMLElement) => Array.from(container.querySelectorAll('.home-entry__title')).map((e) => e.textContent);

describe('the home page', () => {
  beforeEach(() => {
    useSession.getState().signIn({ token: 'T', expiresAt: '2099-01-01T00:00:00Z', user: { userId: 'u1', verified: true } });
    useProfile.getState().clear();
    useMembers.getState().clear();
    vi.mocked(callFunction).mockClear();
  });

  it('gives a worker every entry, with the balance', async () => {
    programCloud(callFunction, { me: () => ok(me()) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-balance')?.textContent).toBe('¥3,000.00');
    expect(entries(container)).toEqual(['家庭共济', '共济支付记录', '为我支付的共济', '为什么没有用共济支付？', '亲情账户与家庭共济']);
    expect(container.querySelector('.home-cannot-share')).toBeNull();
  });

  it('says how much of the balance is free and how much is held as quotas for relatives (SPEC 2.11)', async () => {
    const worker = me();
    programCloud(callFunction, { me: () => ok(me({ person: { ...worker.person!, balanceFen: 300_000, freeBalanceFen: 250_000 } })) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-balance')?.textContent).toBe('¥3,000.00');
    expect(container.querySelector('.home-free-balance')?.textContent).toBe('其中可用 ¥2,500.00，另有 ¥500.00 已冻结为亲属的共济额度');
  });

  it('says nothing of quotas when none is held', async () => {
    const worker = me();
    programCloud(callFunction, { me: () => ok(me({ person: { ...worker.person!, balanceFen: 300_000, freeBalanceFen: 300_000 } })) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-free-balance')).toBeNull();
  });

  it('offers a resident no way to add relatives, says why, and what they can do', async () => {
    programCloud(callFunction, { me: () => ok(RESIDENT) });
    const { container } = await renderHome();
    expect(entries(container)).toEqual(['为我支付的共济', '为什么没有用共济支付？', '亲情账户与家庭共济']);
    expect(container.querySelector('.home-entry--members')).toBeNull();
    const why = container.querySelector('.home-cannot-share')?.textContent ?? '';
    expect(why).toContain('您参加的是居民医保，没有个人账户');
    expect(why).toContain('不能添加共济亲属');
    expect(why).toContain('查看谁的账户在为您付费');
    expect(why).toContain('亲情账户');
  });

  it('tells an uninsured person the same in their words', async () => {
    programCloud(callFunction, { me: () => ok(me({ person: { ...RESIDENT.person!, insuranceType: 'none' } })) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-cannot-share')?.textContent).toContain('您目前没有参加基本医保，没有个人账户');
    expect(container.querySelector('.home-entry--members')).toBeNull();
  });

  it('keeps a suspended worker’s relatives in view but says they cannot add more', async () => {
    programCloud(callFunction, { me: () => ok(me({ person: { ...me().person!, status: 'suspended' } })) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-entry--members .home-entry__desc')?.textContent).toContain('暂不能添加');
    expect(container.querySelector('.home-cannot-share')?.textContent).toContain('不是正常参保状态');
  });

  it('shows the unread messages in words and opens the message centre', async () => {
    programCloud(callFunction, { me: () => ok(me({ unreadMessages: 3 })) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-messages--unread .home-messages__badge')?.textContent).toBe('3 条未读');
    await click(container.querySelector('.home-messages')!);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: ROUTES.messages });
  });

  it('says there is nothing unread without the badge', async () => {
    programCloud(callFunction, { me: () => ok(me()) });
    const { container } = await renderHome();
    expect(container.querySelector('.home-messages--unread')).toBeNull();
    expect(container.querySelector('.home-messages__badge')?.textContent).toBe('没有未读消息');
  });

  it('shows what waits for my answer: a binding and a family-account membership', async () => {
    programCloud(callFunction, {
      me: () => ok({ ...RESIDENT, pendingRequests: 2 }),
      listMembers: () => ok({ asSharer: [], asRelative: [request(), request({ bindingId: 'other', status: 'active', canPay: true })] }),
      listFamilyAccount: () => ok({ members: [], asMember: [membership()] }),
    });
    const { container } = await renderHome();
    expect(container.querySelector('.home-requests__title')?.textContent).toBe('有 2 条申请等您确认');
    const requests = container.querySelectorAll('.consent-request');
    expect(requests).toHaveLength(2);
    expect(requests[0]?.className).toContain('consent-request--binding');
    expect(requests[0]?.textContent).toContain('马*');
    expect(requests[0]?.textContent).toContain('您是其子女');
    expect(requests[0]?.textContent).toContain(CONSENT_DISCLOSURE);
    expect(requests[1]?.className).toContain('consent-request--membership');
  });

  it('does not ask for the lists when nothing waits', async () => {
    const cloud = programCloud(callFunction, { me: () => ok(me()) });
    await renderHome();
    expect(cloud.mock.calls.map(([name]) => name)).toEqual(['me']);
  });

  it('confirms a request and counts again', async () => {
    let pending = 1;
    const cloud = programCloud(callFunction, {
      me: () => ok({ ...RESIDENT, pendingRequests: pending }),
      listMembers: () => ok({ asSharer: [], asRelative: [request()] }),
      listFamilyAccount: () => ok({ members: [], asMember: [] }),
      confirmBinding: () => {
        pending = 0;
        return ok({ binding: request({ status: 'active', canPay: true }) });
      },
    });
    const { container } = await renderHome();
    await click(buttonOf(container, 'request-confirm'));
    await settle();
    await settle();
    expect(cloud).toHaveBeenCalledWith('confirmBinding', { bindingId: request().bindingId });
    expect(container.querySelector('.consent-request')).toBeNull();
    expect(container.querySelector('.home-requests')).toBeNull();
  });

  it('logs out on this device: the server ends the session, the app forgets it', async () => {
    useMembers.setState({ asSharer: [binding()] });
    const cloud = programCloud(callFunction, { me: () => ok(me()), logout: () => ok({ ended: 1 }) });
    const { container } = await renderHome();
    await click(buttonOf(container, 'home-logout'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('logout', {});
    expect(useSession.getState().token).toBeNull();
    expect(useMembers.getState().asSharer).toEqual([]);
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.login });
  });

  it('logs out everywhere only after saying what it does', async () => {
    const cloud = programCloud(callFunction, { me: () => ok(me()), logout: () => ok({ ended: 3 }) });
    const { container } = await renderHome();
    await click(buttonOf(container, 'home-logout-all'));
    expect(container.querySelector('.logout-all-explain')?.textContent).toContain('其他所有登录过本账号的手机、电脑都会退出');
    expect(cloud).not.toHaveBeenCalledWith('logout', expect.anything());
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(cloud).toHaveBeenCalledWith('logout', { all: true });
    expect(useSession.getState().token).toBeNull();
    expect(Taro.reLaunch).toHaveBeenCalledWith({ url: ROUTES.login });
  });

  it('stays logged in when ending every session failed, and says so', async () => {
    programCloud(callFunction, { me: () => ok(me()), logout: () => fail('NETWORK_ERROR', '网络异常，请稍后重试') });
    const { container } = await renderHome();
    await click(buttonOf(container, 'home-logout-all'));
    await click(buttonOf(container, 'dialog-confirm'));
    await settle();
    expect(container.querySelector('.confirm-dialog__error')?.textContent).toBe('网络异常，请稍后重试');
    expect(useSession.getState().token).toBe('T');
    expect(Taro.reLaunch).not.toHaveBeenCalled();
  });
});
