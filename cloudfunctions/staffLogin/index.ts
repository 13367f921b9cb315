import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { staffUsernameField } from '../../server/runtime/fields';
import { staffLogin } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  auth: 'public',
  event: z.strictObject({
    username: staffUsernameField,
    password: z.string({ message: '请输入密码' }).min(1, '请输入密码').max(128, '密码过长'),
    totp: z.string({ message: '请输入动态验证码' }).regex(/^[0-9]{6}$/, '动态验证码为6位数字'),
  }),
  run: ({ app, caller }, event) => staffLogin(app, caller.clientAddress, event),
});
