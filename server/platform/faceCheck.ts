/**
 * The face-check provider (人脸核身, SPEC 2.7): a port with WeChat's adapter and a development
 * adapter. The flow is WeChat's current one: the server opens a check for a name and ID number
 * (`start`, WeChat's getVerifyId), the mini-program runs `wx.requestFacialVerify({ verifyId })`,
 * and the server asks for the outcome (`result`, WeChat's queryVerifyInfo). Whether the person
 * is in the registry is the use case's business, not the provider's.
 */
import { createHash, randomUUID } from 'node:crypto';
import { WechatApiError, type WechatAnswer, type WechatApi } from './wechatApi';

export interface FaceCheckStart {
  /** Our own serial number of the check (the face check's id): WeChat's out_seq_no. */
  outSeqNo: string;
  name: string;
  idNumber: string;
  /** The WeChat user who will face the camera; WeChat requires it. */
  openid?: string;
}

export interface FaceCheckProvider {
  readonly name: 'wechat' | 'dev';
  /** True for the development adapter: the app labels such a check 模拟人脸核验. */
  readonly simulated: boolean;
  /** Opens a check; `verifyId` goes to `wx.requestFacialVerify`. */
  start(input: FaceCheckStart): Promise<{ verifyId?: string; expiresInSeconds: number }>;
  /** The outcome of a check opened with the same input. `detail` never holds personal data. */
  result(input: FaceCheckStart & { verifyId?: string }): Promise<{ passed: boolean; detail?: string }>;
}

/** A check that cannot be opened for this caller (WeChat needs the caller's openid). */
export class FaceCheckUnavailableError extends Error {
  constructor(readonly reason: 'openid_required') {
    super(`face check unavailable: ${reason}`);
    this.name = 'FaceCheckUnavailableError';
  }
}

/** WeChat's `cert_hash`: the base64 of each cert_info field, joined as a query string, SHA-256 in lower-case hex. */
export function wechatCertHash(name: string, idNumber: string): string {
  const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');
  const joined = `cert_type=${b64('IDENTITY_CARD')}&cert_name=${b64(name)}&cert_no=${b64(idNumber)}`;
  return createHash('sha256').update(joined, 'utf8').digest('hex');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SEQ_NO = /^[0-9A-Za-z_-]{5,32}$/;

/**
 * WeChat's out_seq_no is 5–32 characters of [0-9A-Za-z_-], unique per app id. A UUID (the face
 * check's id) is 36 characters, so it goes without its hyphens (32); anything else must fit.
 */
export function wechatSeqNo(outSeqNo: string): string {
  const seqNo = UUID.test(outSeqNo) ? outSeqNo.replace(/-/g, '').toLowerCase() : outSeqNo;
  if (!SEQ_NO.test(seqNo)) throw new Error('out_seq_no must be 5–32 characters of [0-9A-Za-z_-]');
  return seqNo;
}

/** verify_ret of a check that passed. */
const VERIFY_PASSED = 10000;
/** errcodes that mean WeChat or our configuration is broken, not that the check failed. */
const PLATFORM_ERRORS: ReadonlySet<number> = new Set([-1, 40013, 40164, 45009, 48001]);

interface VerifyIdAnswer extends WechatAnswer {
  verify_id?: string;
  expires_in?: number;
}

interface VerifyInfoAnswer extends WechatAnswer {
  verify_ret?: number;
}

/** Production: WeChat's face check (小程序人脸核身) through the shared WechatApi. */
export class WechatFaceCheckProvider implements FaceCheckProvider {
  readonly name = 'wechat' as const;
  readonly simulated = false;

  constructor(private readonly api: WechatApi) {}

  private static openid(input: FaceCheckStart): string {
    if (!input.openid) throw new FaceCheckUnavailableError('openid_required');
    return input.openid;
  }

  async start(input: FaceCheckStart): Promise<{ verifyId: string; expiresInSeconds: number }> {
    const path = '/cityservice/face/identify/getverifyid';
    const answer = await this.api.post<VerifyIdAnswer>(path, {
      out_seq_no: wechatSeqNo(input.outSeqNo),
      cert_info: { cert_type: 'IDENTITY_CARD', cert_name: input.name, cert_no: input.idNumber },
      openid: WechatFaceCheckProvider.openid(input),
    });
    const errcode = answer.errcode ?? 0;
    if (errcode !== 0) throw new WechatApiError(path, errcode);
    if (typeof answer.verify_id !== 'string' || answer.verify_id === '') throw new Error(`WeChat ${path} answered without verify_id`);
    // WeChat's default lifetime of a verify_id is an hour.
    const expiresInSeconds = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 3600;
    return { verifyId: answer.verify_id, expiresInSeconds };
  }

  /**
   * Passed only when WeChat answers errcode 0 with verify_ret 10000. WeChat checks the cert_hash
   * and openid against the check it opened and answers an errcode when they differ: that is a
   * failed check, like any verify_ret but 10000 (cancelled, timed out, another face). Errors of
   * the platform itself (busy, quota, configuration) throw, so the caller may try again.
   */
  async result(input: FaceCheckStart & { verifyId?: string }): Promise<{ passed: boolean; detail?: string }> {
    const path = '/cityservice/face/identify/queryverifyinfo';
    if (!input.verifyId) return { passed: false, detail: 'no verify_id' };
    const answer = await this.api.post<VerifyInfoAnswer>(path, {
      verify_id: input.verifyId,
      out_seq_no: wechatSeqNo(input.outSeqNo),
      cert_hash: wechatCertHash(input.name, input.idNumber),
      openid: WechatFaceCheckProvider.openid(input),
    });
    const errcode = answer.errcode ?? 0;
    if (PLATFORM_ERRORS.has(errcode)) throw new WechatApiError(path, errcode);
    if (errcode !== 0) return { passed: false, detail: `errcode ${errcode}` };
    if (answer.verify_ret === VERIFY_PASSED) return { passed: true };
    return { passed: false, detail: `verify_ret ${typeof answer.verify_ret === 'number' ? answer.verify_ret : 'missing'}` };
  }
}

/**
 * Development: every check passes (for any registry person: the use case looks the person up).
 * `simulated` makes the app say 模拟人脸核验. createApp refuses it in production.
 */
export class DevFaceCheckProvider implements FaceCheckProvider {
  readonly name = 'dev' as const;
  readonly simulated = true;

  async start(): Promise<{ verifyId: string; expiresInSeconds: number }> {
    return { verifyId: `dev-${randomUUID()}`, expiresInSeconds: 3600 };
  }

  async result(input: { verifyId?: string }): Promise<{ passed: boolean; detail?: string }> {
    if (!input.verifyId?.startsWith('dev-')) return { passed: false, detail: 'not a simulated check' };
    return { passed: true, detail: '模拟人脸核验' };
  }
}
