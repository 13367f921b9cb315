import { describe, expect, it } from 'vitest';
import { HttpWechatPhoneResolver, WechatPhoneCodeError, type WechatPhoneResolver } from '../../server/platform/wechatPhone';
import { ADAPTERS, pgAvailable, useTestDb } from '../support/adapters';
import { Harness } from '../support/harness';

interface LoginData {
  token: string;
  expiresAt: string;
  user: { userId: string; verified: boolean };
}

describe.each(ADAPTERS)('WeChat phone-number quick login on %s', (adapter) => {
  const skip = adapter === 'postgres' && !pgAvailable;
  const getDb = skip ? () => { throw new Error('skipped'); } : useTestDb(adapter);

  it.skipIf(skip)('signs a new phone in and answers exactly as login does', async () => {
    const h = await Harness.create(getDb());
    const phone = h.nextPhone();
    const data = await h.ok<LoginData>('loginByWechatPhone', { phoneCode: `dev:${phone}` });
    expect(Object.keys(data).sort()).toEqual(['expiresAt', 'token', 'user']);
    expect(data.user.verified).toBe(false);
    expect(new Date(data.expiresAt).getTime()).toBeGreaterThan(h.clock.now().getTime());
    const me = await h.ok<{ phone: string; userId: string }>('me', {}, data.token);
    expect(me).toMatchObject({ phone, userId: data.user.userId });
  });

  it.skipIf(skip)('finds the same user as the SMS login of that phone, verified included', async () => {
    const h = await Harness.create(getDb());
    const person = await h.employee(10_000);
    const smsUser = await h.user(person);
    const smsMe = await h.ok<{ userId: string }>('me', {}, smsUser.token);
    const data = await h.ok<LoginData>('loginByWechatPhone', { phoneCode: `dev:${smsUser.phone}` });
    expect(data.user).toEqual({ userId: smsMe.userId, verified: true });
  });

  it.skipIf(skip)('refuses a code WeChat does not accept with INVALID_CODE at phoneCode', async () => {
    const h = await Harness.create(getDb());
    const error = await h.err('loginByWechatPhone', { phoneCode: 'not-a-real-code' });
    expect(error).toMatchObject({ code: 'INVALID_CODE', field: 'phoneCode' });
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
  });

  it.skipIf(skip)('refuses a phone outside mainland China', async () => {
    const h = await Harness.create(getDb());
    expect(await h.err('loginByWechatPhone', { phoneCode: 'dev:85291234567' })).toMatchObject({
      code: 'INVALID_INPUT',
      field: 'phoneCode',
    });
  });

  it.skipIf(skip).each([
    [{}, 'phoneCode'],
    [{ phoneCode: '' }, 'phoneCode'],
    [{ phoneCode: 42 }, 'phoneCode'],
    [{ phoneCode: 'dev:13800000001', phone: '13800000001' }, 'phone'],
  ])('answers INVALID_INPUT for the malformed event %j', async (event, field) => {
    const h = await Harness.create(getDb());
    expect(await h.err('loginByWechatPhone', event)).toMatchObject({ code: 'INVALID_INPUT', field });
  });

  it.skipIf(skip)('takes the phone from the resolver the app was given', async () => {
    const fixed: WechatPhoneResolver = { phoneFromCode: async () => '13912345678' };
    const h = await Harness.create(getDb(), {}, undefined, { wechatPhone: fixed });
    const data = await h.ok<LoginData>('loginByWechatPhone', { phoneCode: 'anything' });
    expect(await h.ok('me', {}, data.token)).toMatchObject({ phone: '13912345678' });
  });

  it.skipIf(skip)('hides the failure of WeChat itself behind INTERNAL', async () => {
    const broken: WechatPhoneResolver = {
      phoneFromCode: async () => {
        throw new Error('WeChat API answered HTTP 502');
      },
    };
    const h = await Harness.create(getDb(), {}, undefined, { wechatPhone: broken });
    const error = await h.err('loginByWechatPhone', { phoneCode: 'abc' });
    expect(error.code).toBe('INTERNAL');
    expect(error.message).not.toMatch(/WeChat|502/);
  });
});

/** A fake of WeChat's server API: records the requests, answers from a script. */
function fakeWechat(answers: Array<Record<string, unknown>>) {
  const calls: Array<{ url: string; method: string; body?: string }> = [];
  const fetch = async (url: string, init?: { method?: string; body?: string }) => {
    calls.push({ url, method: init?.method ?? 'GET', body: init?.body });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    return { ok: true, status: 200, json: async () => next };
  };
  return { calls, fetch };
}

describe('the HTTP adapter of WeChat phone codes', () => {
  const options = { baseUrl: 'http://127.0.0.1:9/wx/', appId: 'wxAPPID', secret: 'SECRET' };

  it('gets an access token, then posts the code and reads purePhoneNumber', async () => {
    const wx = fakeWechat([
      { access_token: 'TOKEN1', expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', phone_info: { phoneNumber: '+86 13800000001', purePhoneNumber: '13800000001', countryCode: '86' } },
    ]);
    const resolver = new HttpWechatPhoneResolver({ ...options, fetch: wx.fetch });
    expect(await resolver.phoneFromCode('CODE')).toBe('13800000001');
    expect(wx.calls[0]).toMatchObject({ method: 'GET' });
    const tokenUrl = new URL(wx.calls[0]!.url);
    expect(tokenUrl.pathname).toBe('/wx/cgi-bin/token');
    expect(Object.fromEntries(tokenUrl.searchParams)).toEqual({ grant_type: 'client_credential', appid: 'wxAPPID', secret: 'SECRET' });
    expect(wx.calls[1]).toMatchObject({
      url: 'http://127.0.0.1:9/wx/wxa/business/getuserphonenumber?access_token=TOKEN1',
      method: 'POST',
      body: JSON.stringify({ code: 'CODE' }),
    });
  });

  it('keeps the access token until shortly before it expires', async () => {
    let now = 1_000_000;
    const wx = fakeWechat([
      { access_token: 'TOKEN1', expires_in: 7200 },
      { errcode: 0, phone_info: { purePhoneNumber: '13800000001' } },
      { errcode: 0, phone_info: { purePhoneNumber: '13800000002' } },
      { access_token: 'TOKEN2', expires_in: 7200 },
      { errcode: 0, phone_info: { purePhoneNumber: '13800000003' } },
    ]);
    const resolver = new HttpWechatPhoneResolver({ ...options, fetch: wx.fetch, now: () => now });
    await resolver.phoneFromCode('A');
    now += 3600_000;
    await resolver.phoneFromCode('B');
    expect(wx.calls.filter((c) => c.url.includes('/cgi-bin/token'))).toHaveLength(1);
    now += 3600_000;
    expect(await resolver.phoneFromCode('C')).toBe('13800000003');
    expect(wx.calls.filter((c) => c.url.includes('/cgi-bin/token'))).toHaveLength(2);
    expect(wx.calls[4]!.url).toContain('access_token=TOKEN2');
  });

  it('renews a token WeChat calls expired and tries once more', async () => {
    const wx = fakeWechat([
      { access_token: 'OLD', expires_in: 7200 },
      { errcode: 42001, errmsg: 'access_token expired' },
      { access_token: 'NEW', expires_in: 7200 },
      { errcode: 0, phone_info: { purePhoneNumber: '13800000009' } },
    ]);
    const resolver = new HttpWechatPhoneResolver({ ...options, fetch: wx.fetch });
    expect(await resolver.phoneFromCode('CODE')).toBe('13800000009');
    expect(wx.calls[3]!.url).toContain('access_token=NEW');
  });

  it('reports a code WeChat refuses as WechatPhoneCodeError', async () => {
    const wx = fakeWechat([
      { access_token: 'TOKEN', expires_in: 7200 },
      { errcode: 40029, errmsg: 'invalid code' },
    ]);
    const resolver = new HttpWechatPhoneResolver({ ...options, fetch: wx.fetch });
    await expect(resolver.phoneFromCode('BAD')).rejects.toBeInstanceOf(WechatPhoneCodeError);
  });

  it('fails plainly when the token cannot be had', async () => {
    const wx = fakeWechat([{ errcode: 40013, errmsg: 'invalid appid' }]);
    const resolver = new HttpWechatPhoneResolver({ ...options, fetch: wx.fetch });
    await expect(resolver.phoneFromCode('CODE')).rejects.toThrow(/token/);
  });
});
