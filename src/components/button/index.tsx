import type { ComponentProps, KeyboardEvent } from 'react';
import { Button as TaroButton } from '@tarojs/components';
import { onEnterOrSpace } from './keyboard';

type Props = ComponentProps<typeof TaroButton>;

/**
 * Taro's Button, as a button to everyone. In the mini-program it is WeChat's own `<button>`. On H5
 * Taro draws it as a `<div class="taro-button-core">`: a screen reader would read it as text and a
 * keyboard could not reach it. Here it says it is a button (or what `role` says), takes the focus
 * unless it is disabled, says so when it is, and answers Enter and Space as a tap.
 */
export function Button(props: Props) {
  if (process.env.TARO_ENV !== 'h5') return <TaroButton {...props} />;
  const disabled = Boolean(props.disabled);
  const onKeyDown = (event: KeyboardEvent) => {
    if (!disabled) onEnterOrSpace(() => (event.currentTarget as HTMLElement).click())(event);
  };
  const a11y = { role: 'button', tabIndex: disabled ? -1 : 0, 'aria-disabled': disabled ? 'true' : undefined, onKeyDown };
  return <TaroButton {...(a11y as object)} {...props} />;
}
