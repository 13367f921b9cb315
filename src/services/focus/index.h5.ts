/** Moves the keyboard and screen-reader focus to the element with this id (made focusable if it is not). */
export function focusById(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  el.focus();
}
