/** Moves the keyboard and screen-reader focus to the element with this id (H5: index.h5.ts; WeChat moves nothing). */
export function focusById(_id: string): void {}
