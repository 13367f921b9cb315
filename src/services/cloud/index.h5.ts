import Taro from '@tarojs/taro';
import { useSession } from '@/stores/session';
import { afterCall, networkError, normalizeEnvelope } from './envelope';
import type { DataOf, Envelope, EventOf, FunctionName } from './types';

export * from './types';
export { NETWORK_ERROR_MESSAGE } from './envelope';

const TIMEOUT_MS = 15_000;

/** H5: the local gateway, `POST /api/<name>` with the session token. */
export async function callFunction<N extends FunctionName>(name: N, event: EventOf<N>): Promise<Envelope<DataOf<N>>> {
  const token = useSession.getState().token;
  let envelope: Envelope<DataOf<N>>;
  try {
    const response = await Taro.request<unknown>({
      url: `/api/${name}`,
      method: 'POST',
      data: event,
      dataType: 'json',
      timeout: TIMEOUT_MS,
      header: {
        'content-type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
    });
    envelope = normalizeEnvelope<DataOf<N>>(response.data);
  } catch {
    envelope = networkError();
  }
  return afterCall(envelope, name);
}
