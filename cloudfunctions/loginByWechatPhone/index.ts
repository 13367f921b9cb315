import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { loginByWechatPhone } from '../../server/usecases/wechatLogin';

/** WeChat's phone-number quick login: `{phoneCode}` from `<Button openType="getPhoneNumber">`; answers as `login`. */
export const main = defineCloudFunction({
  ...FUNCTIONS.loginByWechatPhone,
  run: ({ app, caller }, event) => loginByWechatPhone(app, caller.source, event),
});
