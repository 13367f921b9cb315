import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { createLogger } from '../../server/platform/log';
import {
  DevFaceCheckProvider,
  FaceCheckUnavailableError,
  WechatFaceCheckProvider,
  wechatCertHash,
  wechatSeqNo,
} from '../../server/platform/faceCheck';
import { WechatApi, WechatApiError } from '../../server/platform/wechatApi';
import { DevWechatPhoneResolver } from '../../server/platform/wechatPhone';
import { useTestDb } from '../support/adapters';
import { fakeHttp, type FakeAnswer } from '../support/fakeHttp';
import { CapturingSms } from '../support/harness';

const BASE = 'http://127.0.0.1:9/wx';
const CHECK_ID = '5f0c2a34-7b1e-4c2d-9a8b-0123456789ab';
const PERSON = { name: '张三', idNumber: '310101199801011234', openid: 'oOPENID123' };

function provider(answers: FakeAnswer[]) {
  const http = fakeHttp(answers);
  const api = new WechatApi({ baseUrl: BASE, appId: 'wxAPPID', secret: 'SECRET', fetch: http.fetch });
  return { http, face: new WechatFaceCheckProvider(api) };
}

describe("WeChat's face check (getverifyid, queryverifyinfo)", () => {
  it('computes cert_hash exactly as WeChat documents it', () => {
    // WeChat's own example: {"cert_type":"IDENTITY_CARD","cert_name":"张三","cert_no":"310101199801011234"}.
    expect(wechatCertHash('张三', '310101199801011234')).toBe('3c241f7ff324977aeb91f173bb2a7b06569e6fd784d5573db34a636d8671108b');
  });

  it('sends a UUID as out_seq_no without its hyphens and refuses what WeChat would not take', () => {
    expect(wechatSeqNo(CHECK_ID)).toBe('5f0c2a347b1e4c2d9a8b0123456789ab');
    expect(wechatSeqNo('fc_2026-0001')).toBe('fc_2026-0001');
    expect(() => wechatSeqNo('abc')).toThrow(/5–32/);
    expect(() => wechatSeqNo('has space in it')).toThrow();
    expect(() => wechatSeqNo('x'.repeat(33))).toThrow();
  });

  it('opens a check with the name and ID number as cert_info and returns verify_id and its lifetime', async () => {
    const { http, face } = provider([
      { access_token: 'TOKEN1', expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', verify_id: 'VERIFY-1', expires_in: 1800 },
    ]);
    expect(face.name).toBe('wechat');
    expect(face.simulated).toBe(false);
    expect(await face.start({ outSeqNo: CHECK_ID, ...PERSON })).toEqual({ verifyId: 'VERIFY-1', expiresInSeconds: 1800 });
    expect(http.calls[1]).toMatchObject({
      url: `${BASE}/cityservice/face/identify/getverifyid?access_token=TOKEN1`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(http.json(1)).toEqual({
      out_seq_no: '5f0c2a347b1e4c2d9a8b0123456789ab',
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: '张三', cert_no: '310101199801011234' },
      openid: 'oOPENID123',
    });
  });

  it('takes an hour when WeChat gives no expires_in', async () => {
    const { face } = provider([{ access_token: 'T', expires_in: 7200 }, { errcode: 0, verify_id: 'V' }]);
    expect((await face.start({ outSeqNo: CHECK_ID, ...PERSON })).expiresInSeconds).toBe(3600);
  });

  it('passes a check that WeChat answers with verify_ret 10000, asking with verify_id, out_seq_no, cert_hash and openid', async () => {
    const { http, face } = provider([
      { access_token: 'TOKEN1', expires_in: 7200 },
      { errcode: 0, errmsg: 'ok', verify_ret: 10000 },
    ]);
    expect(await face.result({ outSeqNo: CHECK_ID, verifyId: 'VERIFY-1', ...PERSON })).toEqual({ passed: true });
    expect(http.calls[1]!.url).toBe(`${BASE}/cityservice/face/identify/queryverifyinfo?access_token=TOKEN1`);
    expect(http.json(1)).toEqual({
      verify_id: 'VERIFY-1',
      out_seq_no: '5f0c2a347b1e4c2d9a8b0123456789ab',
      cert_hash: wechatCertHash('张三', '310101199801011234'),
      openid: 'oOPENID123',
    });
    // Nothing of the person travels in the clear to queryverifyinfo.
    expect(http.calls[1]!.body).not.toContain('310101199801011234');
  });

  it.each([
    ['the user cancelled', { errcode: 0, verify_ret: 90002 }, 'verify_ret 90002'],
    ['the check timed out', { errcode: 0, verify_ret: 90017 }, 'verify_ret 90017'],
    ['WeChat gave no verify_ret', { errcode: 0 }, 'verify_ret missing'],
    ['the cert_hash or openid is not the one of the check', { errcode: 84002, errmsg: 'cert info mismatch' }, 'errcode 84002'],
  ])('fails a check when %s', async (_what, answer, detail) => {
    const { face } = provider([{ access_token: 'T', expires_in: 7200 }, answer]);
    expect(await face.result({ outSeqNo: CHECK_ID, verifyId: 'V', ...PERSON })).toEqual({ passed: false, detail });
  });

  it('fails a check without a verify_id without asking WeChat', async () => {
    const { http, face } = provider([]);
    expect(await face.result({ outSeqNo: CHECK_ID, ...PERSON })).toMatchObject({ passed: false });
    expect(http.calls).toHaveLength(0);
  });

  it('renews an access token WeChat calls expired and asks once more', async () => {
    const { http, face } = provider([
      { access_token: 'OLD', expires_in: 7200 },
      { errcode: 42001, errmsg: 'access_token expired' },
      { access_token: 'NEW', expires_in: 7200 },
      { errcode: 0, verify_ret: 10000 },
    ]);
    expect(await face.result({ outSeqNo: CHECK_ID, verifyId: 'V', ...PERSON })).toEqual({ passed: true });
    expect(http.calls.map((c) => new URL(c.url).pathname)).toEqual([
      '/wx/cgi-bin/token',
      '/wx/cityservice/face/identify/queryverifyinfo',
      '/wx/cgi-bin/token',
      '/wx/cityservice/face/identify/queryverifyinfo',
    ]);
    expect(http.calls[3]!.url).toContain('access_token=NEW');
  });

  it('throws, rather than failing the check, when WeChat itself is broken or busy', async () => {
    const http = provider([{ access_token: 'T', expires_in: 7200 }, { status: 502 }]);
    await expect(http.face.result({ outSeqNo: CHECK_ID, verifyId: 'V', ...PERSON })).rejects.toThrow(/HTTP 502/);
    const busy = provider([{ access_token: 'T', expires_in: 7200 }, { errcode: -1, errmsg: 'system error' }]);
    await expect(busy.face.result({ outSeqNo: CHECK_ID, verifyId: 'V', ...PERSON })).rejects.toBeInstanceOf(WechatApiError);
    const start = provider([{ access_token: 'T', expires_in: 7200 }, { errcode: 40013, errmsg: 'invalid appid' }]);
    await expect(start.face.start({ outSeqNo: CHECK_ID, ...PERSON })).rejects.toThrow(/errcode 40013/);
  });

  it('cannot open a check without the WeChat user (openid)', async () => {
    const { http, face } = provider([{ access_token: 'T', expires_in: 7200 }]);
    await expect(face.start({ outSeqNo: CHECK_ID, name: PERSON.name, idNumber: PERSON.idNumber })).rejects.toBeInstanceOf(
      FaceCheckUnavailableError,
    );
    expect(http.calls.filter((c) => c.url.includes('/cityservice/'))).toHaveLength(0);
  });

  it('keeps the ID number out of its errors', async () => {
    const { face } = provider([{ access_token: 'T', expires_in: 7200 }, { errcode: 45009, errmsg: `limit for ${PERSON.idNumber}` }]);
    const error = await face.result({ outSeqNo: CHECK_ID, verifyId: 'V', ...PERSON }).catch((e: Error) => e);
    expect(String((error as Error).message)).not.toContain(PERSON.idNumber);
  });
});

describe('the development face check', () => {
  it('is labelled simulated and passes the checks it opened', async () => {
    const face = new DevFaceCheckProvider();
    expect(face.name).toBe('dev');
    expect(face.simulated).toBe(true);
    const { verifyId, expiresInSeconds } = await face.start();
    expect(verifyId).toMatch(/^dev-[0-9a-f-]{36}$/);
    expect(expiresInSeconds).toBeGreaterThan(0);
    expect(await face.result({ verifyId })).toMatchObject({ passed: true });
    expect(await face.result({ verifyId: 'VERIFY-FROM-WECHAT' })).toMatchObject({ passed: false });
    expect(await face.result({})).toMatchObject({ passed: false });
  });
});

describe('the face check an app gets', () => {
  const getDb = useTestDb('pglite');
  const PRODUCTION = { APP_ENV: 'production', ADMIN_KEY: 'a'.repeat(40), SESSION_SECRET: 'b'.repeat(40), ID_DIGEST_KEY: 'c'.repeat(40) };
  const log = createLogger({ write: () => undefined });
  const quiet = () => ({ db: getDb(), log, sms: new CapturingSms(), wechatPhone: new DevWechatPhoneResolver() });

  it('is the simulated one in development without WeChat', async () => {
    const app = await createApp(loadConfig({ APP_ENV: 'development' }), quiet());
    expect(app.faceCheck).toBeInstanceOf(DevFaceCheckProvider);
  });

  it("is WeChat's when WECHAT_APPID and WECHAT_SECRET are set", async () => {
    const app = await createApp(loadConfig({ APP_ENV: 'development', WECHAT_APPID: 'wxAPPID', WECHAT_SECRET: 'SECRET' }), quiet());
    expect(app.faceCheck).toBeInstanceOf(WechatFaceCheckProvider);
  });

  it('refuses to create a production app without WeChat: the simulated check never runs there', async () => {
    await expect(createApp(loadConfig({ ...PRODUCTION, SMS_GATEWAY_URL: 'http://127.0.0.1:9/sms', SMS_GATEWAY_SECRET: 'relay-secret' }), quiet())).rejects.toThrow(/WECHAT_APPID and WECHAT_SECRET \(face check\)/);
  });

  it('takes the provider it is given', async () => {
    const given = new DevFaceCheckProvider();
    const app = await createApp(loadConfig({ APP_ENV: 'development' }), { ...quiet(), faceCheck: given });
    expect(app.faceCheck).toBe(given);
  });
});
