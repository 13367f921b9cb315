/**
 * The face-check provider in the app. Taro picks `index.weapp.ts` (wx.requestFacialVerify) or
 * `index.h5.ts` (none: development's simulated check only) by platform; this file is what
 * TypeScript and the tests see.
 */
export * from './index.h5';
