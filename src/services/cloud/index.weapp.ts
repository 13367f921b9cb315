import Taro from '@tarojs/taro';
import { afterCall, networkError, normalizeEnvelope } from './envelope';
import type { DataOf, Envelope, EventOf, FunctionName } from './types';

export * from './types';
export { NETWORK_ERROR_MESSAGE } from './envelope';

/** WeChat: the cloud function itself; the caller is WeChat's OPENID, no token travels. */
export async function callFunction<N extends FunctionName>(name: N, event: EventOf<N>): Promise<Envelope<DataOf<N>>> {
  let envelope: Envelope<DataOf<N>>;
  try {
    const response = await Taro.cloud.callFunction({ name, data: event as Record<string, unknown> });
    envelope = normalizeEnvelope<DataOf<N>>((response as { result?: unknown }).result);
  } catch {
    envelope = networkError();
  }
  return afterCall(envelope, name);
}
