/** Only the weapp build has a cloud to initialize (init.weapp.ts); H5 talks to the gateway. */
export function initCloud(): void {}
