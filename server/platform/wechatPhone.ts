/**
 * WeChat's phone-number quick login: `<Button openType="getPhoneNumber">` gives the mini-program
 * a one-time code; the server exchanges it with WeChat's servers for the user's phone number.
 * WeChat's servers cannot exist here: an interface with a real-shaped HTTP adapter and a
 * development adapter.
 */
export interface WechatPhoneResolver {
  /** The phone number (mainland numbers without country code) behind a getPhoneNumber code. */
  phoneFromCode(code: string): Promise<string>;
}

/** WeChat refused the code (wrong, used, or expired): the user should tap the button again. */
export class WechatPhoneCodeError extends Error {
  constructor(readonly errcode?: number) {
    super(`WeChat refused the phone code${errcode === undefined ? '' : ` (errcode ${errcode})`}`);
    this.name = 'WechatPhoneCodeError';
  }
}

/** Development: the code `dev:13800000001` stands for that phone; anything else is refused. */
export class DevWechatPhoneResolver implements WechatPhoneResolver {
  async phoneFromCode(code: string): Promise<string> {
    const match = /^dev:(\d{5,20})$/.exec(code);
    if (!match?.[1]) throw new WechatPhoneCodeError();
    return match[1];
  }
}

/** errcodes of WeChat's API that mean "the code is no good" rather than "our side is broken". */
const CODE_REJECTED = new Set([40029, 40163, 45011]);
/** The access token was invalid or expired: fetch a new one and try once more. */
const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;

interface WechatAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  phone_info?: { phoneNumber?: string; purePhoneNumber?: string; countryCode?: string };
}

/**
 * Production: WeChat's server API at `baseUrl` (https://api.weixin.qq.com, or a relay).
 * The access token comes from `/cgi-bin/token` with the app id and secret and is cached until
 * shortly before it expires; the code goes to `/wxa/business/getuserphonenumber`.
 */
export class HttpWechatPhoneResolver implements WechatPhoneResolver {
  private cached: { token: string; expiresAt: number } | undefined;
  private pendingToken: Promise<string> | undefined;

  constructor(
    private readonly options: {
      baseUrl: string;
      appId: string;
      secret: string;
      fetch?: FetchLike;
      now?: () => number;
      timeoutMs?: number;
    },
  ) {}

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

  /** The cached access token, or a new one (one request at a time). */
  async accessToken(): Promise<string> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.token;
    this.pendingToken ??= (async () => {
      try {
        const answer = await this.request(
          this.url('/cgi-bin/token', { grant_type: 'client_credential', appid: this.options.appId, secret: this.options.secret }),
        );
        if (!answer.access_token || !answer.expires_in) {
          throw new Error(`WeChat token request failed (errcode ${answer.errcode ?? 'none'})`);
        }
        // Renew a minute early so that a token never expires between the check and the call.
        const lifetimeMs = Math.max(0, answer.expires_in - 60) * 1000;
        this.cached = { token: answer.access_token, expiresAt: this.now() + lifetimeMs };
        return answer.access_token;
      } finally {
        this.pendingToken = undefined;
      }
    })();
    return this.pendingToken;
  }

  async phoneFromCode(code: string): Promise<string> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const token = await this.accessToken();
      const answer = await this.request(this.url('/wxa/business/getuserphonenumber', { access_token: token }), {
        method: 'POST',
        body: JSON.stringify({ code }),
      });
      const errcode = answer.errcode ?? 0;
      if (errcode === 0) {
        const phone = answer.phone_info?.purePhoneNumber;
        if (!phone) throw new Error('WeChat answered without phone_info.purePhoneNumber');
        return phone;
      }
      if (TOKEN_REJECTED.has(errcode) && attempt === 0) {
        this.cached = undefined;
        continue;
      }
      if (CODE_REJECTED.has(errcode)) throw new WechatPhoneCodeError(errcode);
      throw new Error(`WeChat getuserphonenumber failed (errcode ${errcode})`);
    }
    throw new Error('WeChat getuserphonenumber failed after renewing the access token');
  }
}
