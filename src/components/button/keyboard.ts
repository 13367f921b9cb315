/** Enter and Space do what a tap does, as on a native button; other keys pass through. */
export function onEnterOrSpace(onPress: () => void) {
  return (event: { key: string; preventDefault(): void }) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    event.preventDefault();
    onPress();
  };
}

/**
 * What makes a `<View role='button'>` a button to a keyboard on H5: it takes the focus and answers
 * Enter and Space as a tap. Spread onto the View (Taro's types know neither attribute).
 */
export function pressable(onPress: () => void): object {
  if (process.env.TARO_ENV !== 'h5') return {};
  return { tabIndex: 0, onKeyDown: onEnterOrSpace(onPress) };
}
