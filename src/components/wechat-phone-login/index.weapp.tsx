import { Button } from '@/components/button';
import type { WechatPhoneLoginProps } from './index';
import './index.scss';

export type { WechatPhoneLoginProps };

/** WeChat's phone-number quick login: the button gives a one-time code the server exchanges. */
export default function WechatPhoneLogin({ onCode, onDenied, disabled }: WechatPhoneLoginProps) {
  return (
    <Button
      className='login-wechat'
      openType='getPhoneNumber'
      disabled={disabled || undefined}
      onGetPhoneNumber={(event) => {
        const code = (event.detail as { code?: string }).code;
        if (code) onCode(code);
        else onDenied();
      }}
    >
      手机号快捷登录
    </Button>
  );
}
