/** 全国医保服务热线. */
export const HELP_LINE = '12393';

/** Dials the medical-insurance service line: a `tel:` link, which the phone's dialler opens. */
export function callHelpLine(): void {
  window.location.href = `tel:${HELP_LINE}`;
}
