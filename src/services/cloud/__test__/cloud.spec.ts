import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Taro from '@tarojs/taro';
import { callFunction, NETWORK_ERROR_MESSAGE } from '@/services/cloud';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';

const request = vi.fn<typeof fetch>();
const reLaunch = Taro.reLaunch as unknown as ReturnType<typeof vi.fn>;
const answer = (data: unknown, status = 200) =>
  request.mockResolvedValueOnce(new Response(typeof data === 'string' ? data : JSON.stringify(data), { status }));
/** What the wrapper passed to fetch: its address, its options and its headers. */
const sent = (index = 0) => {
  const [url, init] = request.mock.calls[index]!;
  return { url: String(url), init: init!, header: init!.headers as Record<string, string> };
};

const LOGIN = { token: 'TOKEN', expiresAt: '2099-01-01T00:00:00.000Z', user: { userId: 'u1', verified: true } };

describe('the cloud wrapper (H5 transport)', () => {
  beforeEach(() => {
    useSession.getState().signOut();
    request.mockReset();
    vi.stubGlobal('fetch', request);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('posts the event to /api/<name> with the session token', async () => {
    useSession.getState().signIn(LOGIN);
    answer({ ok: true, data: { userId: 'u1', phone: '13800000001', verified: true } });
    const result = await callFunction('me', {});
    expect(result).toEqual({ ok: true, data: { userId: 'u1', phone: '13800000001', verified: true } });
    const { url, init, header } = sent();
    expect(url).toBe('/api/me');
    expect(init).toMatchObject({ method: 'POST', body: '{}' });
    expect(header['content-type']).toBe('application/json');
    expect(header.Authorization).toBe('Bearer TOKEN');
  });

  it('sends no Authorization header without a session', async () => {
    answer({ ok: true, data: { cooldownSeconds: 60 } });
    await callFunction('sendCode', { phone: '13800000001' });
    expect(sent().header.Authorization).toBeUndefined();
    expect(sent().init.body).toBe(JSON.stringify({ phone: '13800000001' }));
  });

  it('turns a network failure into an envelope with a Chinese message', async () => {
    request.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    expect(await callFunction('me', {})).toEqual({ ok: false, error: { code: 'NETWORK_ERROR', message: NETWORK_ERROR_MESSAGE } });
    expect(NETWORK_ERROR_MESSAGE).toBe('网络异常，请稍后重试');
  });

  it('treats an answer that is not an envelope (a proxy error page) as a network failure', async () => {
    answer('<html>502 Bad Gateway</html>', 502);
    expect(await callFunction('me', {})).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR' } });
  });

  it('gives up after 15 s without an answer, as a network failure', async () => {
    vi.useFakeTimers();
    request.mockImplementationOnce(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init!.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    );
    const pending = callFunction('me', {});
    await vi.advanceTimersByTimeAsync(14_999);
    expect(sent().init.signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR' } });
  });

  it('shows INTERNAL in Chinese whatever the server said', async () => {
    answer({ ok: false, error: { code: 'INTERNAL', message: 'Internal Server Error' } }, 500);
    expect(await callFunction('me', {})).toEqual({ ok: false, error: { code: 'INTERNAL', message: '系统繁忙，请稍后再试' } });
  });

  it('drops the field name in front of an INVALID_INPUT message', async () => {
    answer({ ok: false, error: { code: 'INVALID_INPUT', message: 'phone：请输入11位中国大陆手机号码', field: 'phone' } }, 400);
    expect(await callFunction('sendCode', { phone: '1' })).toEqual({
      ok: false,
      error: { code: 'INVALID_INPUT', message: '请输入11位中国大陆手机号码', field: 'phone' },
    });
  });

  it('replaces a message without Chinese by the default message of its code', async () => {
    answer({ ok: false, error: { code: 'RATE_LIMITED', message: 'Too Many Requests' } }, 429);
    expect(await callFunction('sendCode', { phone: '13800000001' })).toMatchObject({
      error: { code: 'RATE_LIMITED', message: '操作过于频繁，请稍后再试' },
    });
  });

  it('ends the session and returns to the login page on UNAUTHENTICATED', async () => {
    useSession.getState().signIn(LOGIN);
    answer({ ok: false, error: { code: 'UNAUTHENTICATED', message: '登录已失效，请重新登录' } }, 401);
    await callFunction('listMembers', {});
    expect(useSession.getState().token).toBeNull();
    expect(reLaunch).toHaveBeenCalledWith({ url: ROUTES.login });
  });

  it('keeps the session in Taro storage across a restart', async () => {
    useSession.getState().signIn(LOGIN);
    const stored = JSON.parse(String(Taro.getStorageSync('yb-session'))) as { state: { token: string } };
    expect(stored.state.token).toBe('TOKEN');
  });
});
