import Taro from '@tarojs/taro';

/** 全国医保服务热线. */
export const HELP_LINE = '12393';

/** Dials the medical-insurance service line (the phone asks the person first). */
export function callHelpLine(): void {
  void Taro.makePhoneCall({ phoneNumber: HELP_LINE }).catch(() => undefined);
}
