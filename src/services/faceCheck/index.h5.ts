import type { FaceCheckOutcome } from './outcome';

export type { FaceCheckOutcome };

/**
 * H5 has no face-check provider: the gateway's development provider answers `simulated`, and
 * the verify page shows its labelled simulation instead of calling this.
 */
export async function runFaceCheck(_verifyId: string): Promise<FaceCheckOutcome> {
  return { ok: false, cancelled: false, message: '网页版不能进行人脸核验，请在微信小程序中完成' };
}
