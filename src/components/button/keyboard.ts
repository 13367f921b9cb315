/**
 * What makes a `<View role='button'>` a button to a keyboard on H5: it takes the focus and answers
 * Enter and Space as a tap. Spread onto the View (Taro's types know neither attribute).
 */
export function pressable(onPress: () => void): object {
  if (process.env.TARO_ENV !== 'h5') return {};
  return {
    tabIndex: 0,
    onKeyDown: (event: { key: string; preventDefault(): void }) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      onPress();
    },
  };
}
