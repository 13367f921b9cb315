/**
 * WeChat's phone-number quick login: `<Button openType="getPhoneNumber">` gives the mini-program
 * a one-time code; the server exchanges it with WeChat's servers for the user's phone number.
 * WeChat's servers cannot exist here: an interface with a real-shaped HTTP adapter and a
 * development adapter.
 */
import { WechatApi, type WechatAnswer, type WechatApiOptions } from './wechatApi';

export interface WechatPhoneResolver {
  /** The phone number (mainland numbers without country code) behind a getPhoneNumber code. */
  phoneFromCode(code: string): Promise<string>;
}

/** WeChat refused the code (wrong, used, or expired): the user should tap the button again. */
export class WechatPhoneCodeError extends Error {
  constructor(readonly errcode?: number) {
    super(`WeChat refused the phone code${errcode === undefined ? '' : ` (errcode ${errcode})`}`);
    this.name = 'WechatPhoneCodeError';
  }
}

/** WECHAT_APPID and WECHAT_SECRET are not set: there is nobody to ask. */
export class WechatPhoneNotConfigured extends Error {
  constructor() {
    super('WeChat phone login is not configured (WECHAT_APPID and WECHAT_SECRET)');
    this.name = 'WechatPhoneNotConfigured';
  }
}

/** Production without WeChat's keys: every code is refused as "not configured", never resolved. */
export class UnconfiguredWechatPhoneResolver implements WechatPhoneResolver {
  async phoneFromCode(): Promise<string> {
    throw new WechatPhoneNotConfigured();
  }
}

/** Development: the code `dev:13800000001` stands for that phone; anything else is refused. */
export class DevWechatPhoneResolver implements WechatPhoneResolver {
  async phoneFromCode(code: string): Promise<string> {
    const match = /^dev:(\d{5,20})$/.exec(code);
    if (!match?.[1]) throw new WechatPhoneCodeError();
    return match[1];
  }
}

/** errcodes of WeChat's API that mean "the code is no good" rather than "our side is broken". */
const CODE_REJECTED = new Set([40029, 40163, 45011]);

interface PhoneAnswer extends WechatAnswer {
  phone_info?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string };
}

/**
 * Production: the code goes to WeChat's `/wxa/business/getuserphonenumber` through the shared
 * WechatApi (its access token, renewed when WeChat calls it expired). Given options instead of
 * a WechatApi, it makes one of its own.
 */
export class HttpWechatPhoneResolver implements WechatPhoneResolver {
  private readonly api: WechatApi;

  constructor(api: WechatApi | WechatApiOptions) {
    this.api = api instanceof WechatApi ? api : new WechatApi(api);
  }

  /** The access token of the underlying WechatApi. */
  accessToken(): Promise<string> {
    return this.api.accessToken();
  }

  async phoneFromCode(code: string): Promise<string> {
    const answer = await this.api.post<PhoneAnswer>('/wxa/business/getuserphonenumber', { code });
    const errcode = answer.errcode ?? 0;
    if (errcode === 0) {
      const phone = answer.phone_info?.purePhoneNumber;
      if (!phone) throw new Error('WeChat answered without phone_info.purePhoneNumber');
      return phone;
    }
    if (CODE_REJECTED.has(errcode)) throw new WechatPhoneCodeError(errcode);
    throw new Error(`WeChat getuserphonenumber failed (errcode ${errcode})`);
  }
}
