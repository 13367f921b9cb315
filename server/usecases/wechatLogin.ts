import type { App } from '../app';
import { fail } from '../errors';
import { WechatPhoneCodeError, WechatPhoneNotConfigured } from '../platform/wechatPhone';
import type { CallerSource } from '../runtime/caller';
import { signIn } from './auth';
import { hitRateLimit } from '../store/rateLimits';
import type { Data, Served } from '../contract';

const HOUR = 3600;
const MAINLAND_PHONE = /^1[3-9][0-9]{9}$/;

/**
 * WeChat's phone-number quick login: the code from `<Button openType="getPhoneNumber">` is
 * exchanged with WeChat for the phone number, and the user of that phone is signed in exactly
 * as `login` signs in after an SMS code (same user row, same session, same answer).
 */
export async function loginByWechatPhone(
  app: App,
  source: CallerSource,
  input: { phoneCode: string },
): Promise<Served<Data<'loginByWechatPhone'>>> {
  let phone: string;
  try {
    phone = await app.wechatPhone.phoneFromCode(input.phoneCode);
  } catch (error) {
    if (error instanceof WechatPhoneNotConfigured) fail('UNAVAILABLE', '微信手机号快捷登录暂未开通，请使用短信验证码登录');
    if (error instanceof WechatPhoneCodeError) {
      fail('INVALID_CODE', '微信手机号授权已失效，请重新点击“手机号快捷登录”，或使用短信验证码登录', 'phoneCode');
    }
    throw error;
  }
  if (!MAINLAND_PHONE.test(phone)) {
    fail('INVALID_INPUT', '该微信绑定的不是中国大陆手机号，请使用短信验证码登录', 'phoneCode');
  }
  // A bucket of its own: only WeChat can vouch for the phone, so junk SMS-code tries (counted
  // per client in auth.ts) never block this login (SPEC 2.13).
  await hitRateLimit(app, `wechat-login:${phone}`, app.config.limits.wechatLoginsPerPhonePerHour, HOUR, '登录过于频繁，请稍后再试');
  return signIn(app, source, phone);
}
