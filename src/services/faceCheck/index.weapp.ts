import type { FaceCheckOutcome } from './outcome';

export type { FaceCheckOutcome };

interface FacialVerifyFailure {
  errMsg?: string;
  errCode?: number;
}

/** WeChat's city-service face check (人脸核身): not in Taro's typings, so declared here. */
declare const wx:
  | {
      requestFacialVerify?: (options: {
        verifyId: string;
        success: (result: unknown) => void;
        fail: (failure: FacialVerifyFailure) => void;
      }) => void;
    }
  | undefined;

/**
 * WeChat: `wx.requestFacialVerify({verifyId})` with the id the server got from `getverifyid`.
 * Its success only says the check ran; whether it passed the server asks `queryverifyinfo`
 * when `verifyIdentity` comes with the faceCheckId.
 */
export function runFaceCheck(verifyId: string): Promise<FaceCheckOutcome> {
  return new Promise((resolve) => {
    const host = typeof wx === 'undefined' ? undefined : wx;
    if (!host || typeof host.requestFacialVerify !== 'function') {
      resolve({ ok: false, cancelled: false, message: '当前微信版本不支持人脸核验，请升级微信后重试' });
      return;
    }
    host.requestFacialVerify({
      verifyId,
      success: () => resolve({ ok: true }),
      fail: (failure) => {
        const cancelled = /cancel/i.test(failure?.errMsg ?? '');
        resolve({
          ok: false,
          cancelled,
          message: cancelled ? '您取消了人脸核验，需要时可以重新开始' : '人脸核验没有完成，请在光线充足处正对手机重新核验',
        });
      },
    });
  });
}
