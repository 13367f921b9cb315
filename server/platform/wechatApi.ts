/**
 * WeChat's server API (https://api.weixin.qq.com, or a relay in front of it): one access token
 * per app id, shared by every adapter that calls it (phone codes, face checks, subscribe
 * messages). WeChat keeps only the newest token of an app id valid, so one process holds one
 * WechatApi and every adapter borrows it rather than fetching tokens of its own.
 */
export type FetchLike = (
  input: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

export interface WechatApiOptions {
  /** https://api.weixin.qq.com, or a relay; a trailing slash is ignored. */
  baseUrl: string;
  appId: string;
  secret: string;
  /** Tests put a fake here; the global fetch otherwise. */
  fetch?: FetchLike;
  /** Milliseconds since the epoch, for the token's lifetime (tests move it). */
  now?: () => number;
  /** Per request; 5 s by default. */
  timeoutMs?: number;
}

/** Every answer of WeChat's API carries these when something went wrong (errcode 0 or none: fine). */
export interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  [field: string]: unknown;
}

/** The access token was invalid or expired: fetch a new one and try once more. */
export const TOKEN_REJECTED: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** WeChat answered with an errcode the caller does not expect; the message names only the path and the code. */
export class WechatApiError extends Error {
  constructor(
    readonly path: string,
    readonly errcode: number,
  ) {
    super(`WeChat ${path} failed (errcode ${errcode})`);
    this.name = 'WechatApiError';
  }
}

export class WechatApi {
  private cached: { token: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(private readonly options: WechatApiOptions) {}

  get appId(): string {
    return this.options.appId;
  }

  private get fetch(): FetchLike {
    return this.options.fetch ?? (fetch as unknown as FetchLike);
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  private url(path: string, query: Record<string, string>): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    return `${base}${path}?${new URLSearchParams(query).toString()}`;
  }

  /** One HTTP exchange; anything but a 2xx with a JSON object is an error. */
  private async request(url: string, init?: { method: string; body: string }): Promise<WechatAnswer> {
    const response = await this.fetch(url, {
      method: init?.method ?? 'GET',
      ...(init ? { headers: { 'content-type': 'application/json' }, body: init.body } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (!response.ok) throw new Error(`WeChat API answered HTTP ${response.status}`);
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null) throw new Error('WeChat API answered no JSON object');
    return body as WechatAnswer;
  }

  /** The cached access token, or a new one from `/cgi-bin/token` (one request at a time). */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.pendingToken ??= (async () => {
      try {
        const answer = await this.request(
          this.url('/cgi-bin/token', { grant_type: 'client_credential', appid: this.options.appId, secret: this.options.secret }),
        );
        const token = typeof answer.access_token === 'string' ? answer.access_token : '';
        const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : 0;
        if (!token || !expiresIn) throw new Error(`WeChat token request failed (errcode ${answer.errcode ?? 'none'})`);
        // Renew a minute early so that a token never expires between the check and the call.
        this.cached = { token, expiresAt: this.now() + Math.max(0, expiresIn - 60) * 1000 };
        return token;
      } finally {
        this.pendingToken = undefined;
      }
    })();
    return this.pendingToken;
  }

  /**
   * POSTs `body` as JSON to `path?access_token=…` and returns WeChat's answer. When WeChat calls
   * the token invalid or expired, the token is renewed and the call made once more; every other
   * errcode is the caller's to read.
   */
  async post<T extends WechatAnswer = WechatAnswer>(path: string, body: unknown): Promise<T> {
    const json = JSON.stringify(body);
    for (let attempt = 0; ; attempt += 1) {
      const token = await this.accessToken();
      const answer = await this.request(this.url(path, { access_token: token }), { method: 'POST', body: json });
      const errcode = answer.errcode ?? 0;
      if (attempt === 0 && TOKEN_REJECTED.has(errcode)) {
        // Forget it only if no other call has renewed it meanwhile.
        if (this.cached?.token === token) this.cached = undefined;
        continue;
      }
      return answer as T;
    }
  }
}
