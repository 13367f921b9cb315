import Taro from '@tarojs/taro';

/** WeChat's text size setting in px (`wx.getAppBaseInfo().fontSizeSetting`; 17 by default). */
export function systemFontSize(): number | null {
  try {
    const info = typeof Taro.getAppBaseInfo === 'function' ? Taro.getAppBaseInfo() : Taro.getSystemInfoSync();
    const size = (info as { fontSizeSetting?: number }).fontSizeSetting;
    return typeof size === 'number' && size > 0 ? size : null;
  } catch {
    return null;
  }
}
