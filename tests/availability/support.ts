import { PG_ADMIN_URL } from '../support/postgres';

/** The host and port of the test PostgreSQL server (DATABASE_URL or the local one). */
export function pgTarget(): { host: string; port: number } {
  const url = new URL(PG_ADMIN_URL);
  return { host: url.hostname || '127.0.0.1', port: Number(url.port || 5432) };
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const next = new URL(url);
  next.hostname = '127.0.0.1';
  next.port = String(port);
  return next.toString();
}

export type Answer = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };

export interface HttpOutcome {
  status: number;
  envelope?: Answer;
  /** No complete answer (connection reset, timeout). */
  lost?: string;
  ms: number;
  /** When it was sent (Date.now()). */
  at: number;
}

/** One call of a cloud function over HTTP, with its status and how long it took. */
export async function post(base: string, name: string, event: unknown, bearer?: string, timeoutMs = 30_000): Promise<HttpOutcome> {
  const started = performance.now();
  const at = Date.now();
  try {
    const response = await fetch(`${base}/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, envelope: JSON.parse(text) as Answer, ms: performance.now() - started, at };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { status: 0, lost: cause ?? (error instanceof Error ? error.message : String(error)), ms: performance.now() - started, at };
  }
}
