/** Outside WeChat there is no phone-number quick login (see index.weapp.tsx). */
export interface WechatPhoneLoginProps {
  onCode: (phoneCode: string) => void;
  onDenied: () => void;
  disabled?: boolean;
}

export default function WechatPhoneLogin(_props: WechatPhoneLoginProps) {
  return null;
}
