/**
 * The one way to call the cloud. Taro picks `index.weapp.ts` (Taro.cloud.callFunction) or
 * `index.h5.ts` (the gateway over HTTP) by platform; this file is what TypeScript and the
 * tests see, with the H5 transport.
 */
export * from './index.h5';
