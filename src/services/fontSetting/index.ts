/**
 * The system's text size in px (WeChat: 设置 → 通用 → 字体大小, 17 by default, 23.8 in 关怀模式).
 * In H5 the browser applies the person's text size and zoom itself (src/index.html allows zoom):
 * nothing to read here.
 */
export function systemFontSize(): number | null {
  return null;
}
