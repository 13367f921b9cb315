import { useSession } from '@/stores/session';
import { afterCall, networkError, normalizeEnvelope } from './envelope';
import type { DataOf, Envelope, EventOf, FunctionName } from './types';

export * from './types';
export { NETWORK_ERROR_MESSAGE } from './envelope';

const TIMEOUT_MS = 15_000;

/**
 * H5: the local gateway, `POST /api/<name>` with the session token, over the browser's own
 * `fetch`. Not `Taro.request`: on H5 it brings polyfills of fetch, AbortController and JSONP
 * (about 10 KB compressed) onto the login page's critical path, for browsers this app does not
 * serve (issue 10 point 5: the first screen on a slow link).
 */
export async function callFunction<N extends FunctionName>(name: N, event: EventOf<N>): Promise<Envelope<DataOf<N>>> {
  const token = useSession.getState().token;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  let envelope: Envelope<DataOf<N>>;
  try {
    const response = await fetch(`/api/${name}`, {
      method: 'POST',
      body: JSON.stringify(event),
      headers: {
        'content-type': 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      credentials: 'same-origin',
      signal: controller.signal,
    });
    envelope = normalizeEnvelope<DataOf<N>>(parseJson(await response.text()));
  } catch {
    envelope = networkError();
  } finally {
    clearTimeout(timer);
  }
  return afterCall(envelope, name);
}

/** The body as JSON, or undefined when it is not (a proxy's error page): a network failure. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
