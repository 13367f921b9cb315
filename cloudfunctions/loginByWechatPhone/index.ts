import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { loginByWechatPhone } from '../../server/usecases/wechatLogin';

/** WeChat's phone-number quick login: `{phoneCode}` from `<Button openType="getPhoneNumber">`; answers as `login`. */
export const main = defineCloudFunction({
  auth: 'public',
  event: z.strictObject({
    phoneCode: z.string().min(1, '缺少微信手机号授权码').max(256, '微信手机号授权码过长'),
  }),
  run: ({ app, caller }, event) => loginByWechatPhone(app, caller.source, event),
});
