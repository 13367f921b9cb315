import { systemFontSize } from '@/services/fontSetting';
import { useSettings } from '@/stores/settings';

/** WeChat's default text size; from 20 px up the person asked for large text. */
const LARGE_TEXT_FROM = 20;

export interface Display {
  elder: boolean;
  /** Classes for a page's root: `elder` (长辈模式 layout and controls), `large-text` (18 px text and more). */
  rootClass: string;
}

/** How pages are shown: 长辈模式, or large text because the system's text size asks for it. */
export function useDisplay(): Display {
  const elder = useSettings((s) => s.elder);
  const size = systemFontSize();
  const large = elder || (size !== null && size >= LARGE_TEXT_FROM);
  const rootClass = [elder ? 'elder' : '', large ? 'large-text' : ''].filter(Boolean).join(' ');
  return { elder, rootClass };
}
