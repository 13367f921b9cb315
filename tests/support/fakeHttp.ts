/**
 * A fake of an HTTP API for the adapters that take a `fetch` (WeChat's server API, the SMS
 * relay): it records every request and answers from a script, one answer per request. An
 * answer is a JSON body (HTTP 200) or `{ status }` for an HTTP error.
 */
export type FakeAnswer = Record<string, unknown> | { status: number; body?: Record<string, unknown> };

export interface FakeCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export function fakeHttp(answers: FakeAnswer[]) {
  const calls: FakeCall[] = [];
  const fetch = async (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => {
    calls.push({ url, method: init?.method ?? 'GET', headers: init?.headers ?? {}, body: init?.body });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    if (typeof next.status === 'number' && Object.keys(next).every((k) => k === 'status' || k === 'body')) {
      const status = next.status;
      return { ok: status >= 200 && status < 300, status, json: async () => (next as { body?: unknown }).body ?? {} };
    }
    return { ok: true, status: 200, json: async () => next };
  };
  /** The JSON body of a call. */
  const json = (index: number): unknown => JSON.parse(calls[index]?.body ?? 'null');
  return { calls, fetch, json, pending: () => answers.length };
}
