import type { App } from '../app';
import { fail } from '../errors';
import { WechatPhoneCodeError } from '../platform/wechatPhone';
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
    if (error instanceof WechatPhoneCodeError) {
      fail('INVALID_CODE', '微信手机号授权已失效，请重新点击“手机号快捷登录”，或使用短信验证码登录', 'phoneCode');
    }
    throw error;
  }
  if (!MAINLAND_PHONE.test(phone)) {
    fail('INVALID_INPUT', '该微信绑定的不是中国大陆手机号，请使用短信验证码登录', 'phoneCode');
  }
  await hitRateLimit(app, `login:${phone}`, app.config.limits.loginAttemptsPerHour, HOUR, '登录尝试过于频繁，请一小时后再试');
  return signIn(app, source, phone);
}
