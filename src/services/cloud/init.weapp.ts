import Taro from '@tarojs/taro';

let done = false;

/** Once, at launch: the WeChat cloud environment of this build (config defineConstants CLOUD_ENV). */
export function initCloud(): void {
  if (done) return;
  done = true;
  Taro.cloud.init(CLOUD_ENV ? { env: CLOUD_ENV, traceUser: true } : { traceUser: true });
}
