import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { WechatFaceCheckProvider } from '../../server/platform/faceCheck';
import { createLogger } from '../../server/platform/log';
import {
  LogNoticeChannel,
  parseTemplateFields,
  PermanentDeliveryError,
  SmsNoticeChannel,
  templateValue,
  WechatSubscribeChannel,
  wechatTime,
} from '../../server/platform/noticeChannels';
import { WechatApi, WechatApiError } from '../../server/platform/wechatApi';
import { DevWechatPhoneResolver } from '../../server/platform/wechatPhone';
import { useTestDb } from '../support/adapters';
import { fakeHttp, type FakeAnswer } from '../support/fakeHttp';
import { CapturingSms } from '../support/harness';

const BASE = 'http://127.0.0.1:9/wx';
const DELIVERY = {
  deliveryId: '0b6f1a52-4a9e-4f5e-9a3c-6d2b1e0f9a77',
  recipient: 'oOPENID123',
  kind: 'mulaid_paid',
  title: '共济账户支付提醒',
  body: '您的职工医保个人账户为王秀兰支付了 ¥128.50（测试医院，门诊）。',
  createdAt: new Date('2026-03-15T02:05:00Z'),
};

function subscribe(answers: FakeAnswer[], options: Partial<ConstructorParameters<typeof WechatSubscribeChannel>[1]> = {}) {
  const http = fakeHttp(answers);
  const api = new WechatApi({ baseUrl: BASE, appId: 'wxAPPID', secret: 'SECRET', fetch: http.fetch });
  return { http, api, channel: new WechatSubscribeChannel(api, { templateId: 'TEMPLATE-1', ...options }) };
}

describe('the WeChat subscribe-message channel', () => {
  it("posts WeChat's request: touser, template_id, page, miniprogram_state, lang and data fitted to the field rules", async () => {
    const { http, channel } = subscribe([{ access_token: 'TOKEN1', expires_in: 7200 }, { errcode: 0, errmsg: 'ok', msgid: 1 }]);
    expect(channel.channel).toBe('wechat');
    await channel.send(DELIVERY);
    expect(http.calls[1]).toMatchObject({
      url: `${BASE}/cgi-bin/message/subscribe/send?access_token=TOKEN1`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(http.json(1)).toEqual({
      touser: 'oOPENID123',
      template_id: 'TEMPLATE-1',
      page: 'pages/me/messages/index',
      miniprogram_state: 'formal',
      lang: 'zh_CN',
      data: {
        thing1: { value: '共济账户支付提醒' },
        thing2: { value: '您的职工医保个人账户为王秀兰支付了 ¥…' },
        time3: { value: '2026年3月15日 10:05' },
      },
    });
    const data = (http.json(1) as { data: Record<string, { value: string }> }).data;
    expect(Array.from(data.thing2!.value)).toHaveLength(20);
  });

  it('fills the fields the operator configured, with the page and state given', async () => {
    const { http, channel } = subscribe([{ access_token: 'T', expires_in: 7200 }, { errcode: 0 }], {
      fields: parseTemplateFields('phrase2=title, thing5=body, date9=time'),
      miniprogramState: 'trial',
    });
    await channel.send({ ...DELIVERY, title: '支付 提醒abc', page: 'pages/home/index' });
    expect(http.json(1)).toMatchObject({
      page: 'pages/home/index',
      miniprogram_state: 'trial',
      data: { phrase2: { value: '支付提醒' }, thing5: { value: expect.any(String) }, date9: { value: '2026年3月15日 10:05' } },
    });
  });

  it.each([
    [43101, 'the user refused (or cancelled) the subscription'],
    [40003, 'the openid is not valid'],
    [47003, 'a value breaks the field rules'],
  ])('treats errcode %i (%s) as permanent: no retry changes it', async (errcode) => {
    const { channel } = subscribe([{ access_token: 'T', expires_in: 7200 }, { errcode, errmsg: 'refused' }]);
    await expect(channel.send(DELIVERY)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });

  it('leaves other errors to be retried', async () => {
    const busy = subscribe([{ access_token: 'T', expires_in: 7200 }, { errcode: -1, errmsg: 'system busy' }]);
    const error = await busy.channel.send(DELIVERY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WechatApiError);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    const down = subscribe([{ access_token: 'T', expires_in: 7200 }, { status: 503 }]);
    await expect(down.channel.send(DELIVERY)).rejects.toThrow(/HTTP 503/);
  });

  it('renews an expired access token and sends once more', async () => {
    const { http, channel } = subscribe([
      { access_token: 'OLD', expires_in: 7200 },
      { errcode: 40001, errmsg: 'invalid credential' },
      { access_token: 'NEW', expires_in: 7200 },
      { errcode: 0 },
    ]);
    await channel.send(DELIVERY);
    expect(http.calls[3]!.url).toContain('access_token=NEW');
    expect(http.json(3)).toEqual(http.json(1));
  });

  it('shares one access token with the face check of the same WechatApi', async () => {
    const { http, api, channel } = subscribe([
      { access_token: 'SHARED', expires_in: 7200 },
      { errcode: 0 },
      { errcode: 0, verify_ret: 10000 },
    ]);
    await channel.send(DELIVERY);
    await new WechatFaceCheckProvider(api).result({
      outSeqNo: '5f0c2a34-7b1e-4c2d-9a8b-0123456789ab',
      verifyId: 'V',
      name: '张三',
      idNumber: '310101199801011234',
      openid: 'oOPENID123',
    });
    expect(http.calls.filter((c) => c.url.includes('/cgi-bin/token'))).toHaveLength(1);
    expect(http.calls[2]!.url).toContain('access_token=SHARED');
  });
});

describe("WeChat's field rules", () => {
  it.each([
    ['thing1', '一二三四五六七八九十一二三四五六七八九十', '一二三四五六七八九十一二三四五六七八九十'],
    ['thing1', '一二三四五六七八九十一二三四五六七八九十一', '一二三四五六七八九十一二三四五六七八九…'],
    ['thing7', '  多个   空格 ', '多个 空格'],
    ['phrase3', '已支付 ok', '已支付'],
    ['phrase3', '家庭共济关系已解除', '家庭共济关'],
    ['name4', '欧阳娜娜欧阳娜娜欧阳娜娜', '欧阳娜娜欧阳娜娜欧阳'],
    ['character_string5', 'No. 2026-001 号', 'No.2026-001'],
  ])('%s gets %j as %j', (key, text, value) => {
    expect(templateValue(key, text)).toBe(value);
  });

  it('writes time in Asia/Shanghai as WeChat wants it', () => {
    expect(wechatTime(new Date('2026-03-15T16:30:00Z'))).toBe('2026年3月16日 00:30');
  });

  it.each([
    ['', /no template fields/],
    ['thing1', /title, body or time/],
    ['thing1=name', /title, body or time/],
    ['amount1=body', /not one of/],
    ['thing=title', /not one of/],
    ['thing1=title,thing1=body', /twice/],
  ])('refuses the field list %j', (spec, message) => {
    expect(() => parseTemplateFields(spec)).toThrow(message);
  });
});

describe('the SMS notice channel', () => {
  const url = 'http://127.0.0.1:9/sms/send';

  it('posts to the relay like the login codes: template NOTICE, HMAC signature, and the delivery as idempotency key', async () => {
    const http = fakeHttp([{ status: 200 }]);
    const channel = new SmsNoticeChannel({ url, secret: 'relay-secret', fetch: http.fetch });
    expect(channel.channel).toBe('sms');
    await channel.send({ ...DELIVERY, recipient: '13800001234' });
    const call = http.calls[0]!;
    expect(call.url).toBe(url);
    expect(call.method).toBe('POST');
    expect(JSON.parse(call.body!)).toEqual({
      phone: '13800001234',
      template: 'NOTICE',
      params: { title: DELIVERY.title, body: DELIVERY.body },
    });
    expect(call.headers).toEqual({
      'content-type': 'application/json',
      'x-signature': createHmac('sha256', 'relay-secret').update(call.body!).digest('hex'),
      'x-idempotency-key': DELIVERY.deliveryId,
    });
  });

  it('treats a refused request as permanent and a failing relay as worth another try', async () => {
    const refused = new SmsNoticeChannel({ url, secret: 's', fetch: fakeHttp([{ status: 422 }]).fetch });
    await expect(refused.send({ ...DELIVERY, recipient: '13800001234' })).rejects.toBeInstanceOf(PermanentDeliveryError);
    const failing = new SmsNoticeChannel({ url, secret: 's', fetch: fakeHttp([{ status: 502 }]).fetch });
    const error = await failing.send({ ...DELIVERY, recipient: '13800001234' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(PermanentDeliveryError);
    expect(String(error)).toMatch(/HTTP 502/);
    expect(String(error)).not.toContain('13800001234');
  });
});

describe('the development channels', () => {
  it('write the notice to the log with the phone masked', async () => {
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line) });
    await new LogNoticeChannel('sms', log).send({ ...DELIVERY, recipient: '13800001234' });
    await new LogNoticeChannel('wechat', log).send(DELIVERY);
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain('13800001234');
    expect(lines.join('')).not.toContain('oOPENID123');
    expect(JSON.parse(lines[0]!)).toMatchObject({ channel: 'sms', to: '138****1234', title: DELIVERY.title, deliveryId: DELIVERY.deliveryId });
    expect(JSON.parse(lines[1]!)).toMatchObject({ channel: 'wechat', to: 'oOPE…' });
  });
});

describe('the notice channels an app gets', () => {
  const getDb = useTestDb('pglite');
  const PRODUCTION = { APP_ENV: 'production', ADMIN_KEY: 'a'.repeat(40), SESSION_SECRET: 'b'.repeat(40), ID_DIGEST_KEY: 'c'.repeat(40) };
  const log = createLogger({ write: () => undefined });
  const quiet = () => ({ db: getDb(), log, sms: new CapturingSms(), wechatPhone: new DevWechatPhoneResolver() });
  const names = (channels: readonly { channel: string; constructor: { name: string } }[]) =>
    channels.map((c) => `${c.channel}:${c.constructor.name}`);

  it('in development without configuration: both channels write to the log', async () => {
    const app = await createApp(loadConfig({ APP_ENV: 'development' }), quiet());
    expect(names(app.noticeChannels)).toEqual(['wechat:LogNoticeChannel', 'sms:LogNoticeChannel']);
  });

  it('with WeChat, a template and the relay configured: the real channels', async () => {
    const app = await createApp(loadConfig({ ...PRODUCTION, WECHAT_APPID: 'wxAPPID', WECHAT_SECRET: 'SECRET', WECHAT_NOTICE_TEMPLATE_ID: 'TEMPLATE-1', SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms', SMS_GATEWAY_SECRET: 'relay-secret' }), quiet());
    expect(names(app.noticeChannels)).toEqual(['wechat:WechatSubscribeChannel', 'sms:SmsNoticeChannel']);
  });

  it('in production, refuses to start without the template of the subscribe messages', async () => {
    await expect(createApp(loadConfig({ ...PRODUCTION, WECHAT_APPID: 'wxAPPID', WECHAT_SECRET: 'SECRET', SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms', SMS_GATEWAY_SECRET: 'relay-secret' }), quiet())).rejects.toThrow(/WECHAT_NOTICE_TEMPLATE_ID/);
  });

  it('refuses a template field list it cannot fill, naming the variable', async () => {
    await expect(createApp(loadConfig({ APP_ENV: 'development', WECHAT_APPID: 'wxAPPID', WECHAT_SECRET: 'SECRET', WECHAT_NOTICE_TEMPLATE_ID: 'TEMPLATE-1', WECHAT_NOTICE_FIELDS: 'amount1=body' }), quiet())).rejects.toThrow(/WECHAT_NOTICE_FIELDS/);
  });
});
