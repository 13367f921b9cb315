/**
 * The channels a notice leaves the message centre by (SPEC 2.8): a WeChat subscribe message to
 * the user's openid and an SMS to a phone. Adapters with the real request shapes, and
 * development adapters that write to the log. The delivery worker (server/workers/notices.ts)
 * decides what to send, when, and how often to try.
 */
import { createHmac } from 'node:crypto';
import { maskPhone } from '../../src/rules/mask';
import type { Logger } from './log';
import { WechatApiError, type FetchLike, type WechatAnswer, type WechatApi } from './wechatApi';

export type ChannelName = 'wechat' | 'sms';

export interface NoticeDelivery {
  /** The delivery's id: the SMS relay's idempotency key. */
  deliveryId: string;
  /** An openid (wechat) or a mainland phone number (sms). */
  recipient: string;
  kind: string;
  title: string;
  body: string;
  /** The mini-program page the notice opens (wechat). */
  page?: string;
  /** When the event happened (the message's created_at). */
  createdAt?: Date;
}

export interface NoticeChannel {
  readonly channel: ChannelName;
  /** Resolves once the provider accepted the notice; throws otherwise. */
  send(d: NoticeDelivery): Promise<void>;
}

/**
 * A refusal that no retry can change (the user refused WeChat subscribe messages, the openid or
 * the phone is not valid): the worker marks the delivery failed at once. The message carries
 * no personal data.
 */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** The message centre's page, where every notice can be read in full. */
export const MESSAGES_PAGE = 'pages/me/messages/index';

// ---------------------------------------------------------------------------------------------
// WeChat subscribe message

/** What a template field is filled with: the notice's title, its body, or the time of the event. */
export type TemplateSource = 'title' | 'body' | 'time';

/** The field types this adapter fills, each with WeChat's rule for its value. */
const FIELD_KEY = /^(thing|phrase|name|character_string|time|date)([0-9]+)$/;

/**
 * `thing1=title,thing2=body,time3=time`: the keys of the operator's template and what fills
 * each. Throws on anything else, naming the bad part.
 */
export function parseTemplateFields(spec: string): ReadonlyArray<{ key: string; source: TemplateSource }> {
  const fields = spec
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [key = '', source = ''] = part.split('=').map((s) => s.trim());
      if (!FIELD_KEY.test(key)) throw new Error(`template field "${key}" is not one of thing/phrase/name/character_string/time/date followed by a number`);
      if (source !== 'title' && source !== 'body' && source !== 'time') throw new Error(`template field ${key} must be filled with title, body or time, not "${source}"`);
      return { key, source: source as TemplateSource };
    });
  if (fields.length === 0) throw new Error('no template fields');
  if (new Set(fields.map((f) => f.key)).size !== fields.length) throw new Error('a template field is named twice');
  return fields;
}

const chars = (value: string): string[] => Array.from(value.replace(/\s+/g, ' ').trim());

/** At most `max` characters; a cut value ends in an ellipsis. */
function cut(value: string, max: number): string {
  const c = chars(value);
  return c.length <= max ? c.join('') : `${c.slice(0, max - 1).join('')}…`;
}

const shanghaiTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** `2026年3月15日 10:00` in Asia/Shanghai: WeChat's time and date fields. */
export function wechatTime(at: Date): string {
  const parts = Object.fromEntries(shanghaiTime.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}年${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`;
}

/**
 * A value that WeChat accepts for a field of that type (its rules: thing ≤ 20 characters,
 * phrase ≤ 5 Chinese characters, name ≤ 10, character_string ≤ 32 letters, digits or symbols,
 * time and date as 年月日 with a 24-hour time).
 */
export function templateValue(key: string, text: string): string {
  const type = FIELD_KEY.exec(key)?.[1];
  switch (type) {
    case 'thing':
      return cut(text, 20);
    case 'phrase':
      return chars(text.replace(/[^\u4e00-\u9fff]/g, '')).slice(0, 5).join('');
    case 'name':
      return chars(text).slice(0, 10).join('');
    case 'character_string':
      return chars(text.replace(/[^\x21-\x7e]/g, '')).slice(0, 32).join('');
    default:
      return text;
  }
}

/** errcodes of subscribeMessage.send that no retry changes: refused by the user, bad openid, bad data. */
const SUBSCRIBE_PERMANENT: ReadonlySet<number> = new Set([43101, 40003, 47003]);

export interface WechatSubscribeOptions {
  /** The subscribe-message template chosen in the mini-program's console (WECHAT_NOTICE_TEMPLATE_ID). */
  templateId: string;
  /** Its fields (WECHAT_NOTICE_FIELDS); default `thing1=title,thing2=body,time3=time`. */
  fields?: ReadonlyArray<{ key: string; source: TemplateSource }>;
  /** developer, trial or formal (WECHAT_MINIPROGRAM_STATE); default formal. */
  miniprogramState?: 'developer' | 'trial' | 'formal';
  /** When a delivery has no createdAt. */
  now?: () => Date;
}

export const DEFAULT_TEMPLATE_FIELDS = 'thing1=title,thing2=body,time3=time';

/**
 * Production: WeChat's subscribe message (`/cgi-bin/message/subscribe/send`) through the shared
 * WechatApi. The card shows the title and the start of the body; tapping it opens the message
 * centre, where the whole text is.
 */
export class WechatSubscribeChannel implements NoticeChannel {
  readonly channel = 'wechat' as const;
  private readonly fields: ReadonlyArray<{ key: string; source: TemplateSource }>;

  constructor(
    private readonly api: WechatApi,
    private readonly options: WechatSubscribeOptions,
  ) {
    this.fields = options.fields ?? parseTemplateFields(DEFAULT_TEMPLATE_FIELDS);
  }

  /** The request body for one delivery (exported for the tests through `send`'s fake fetch). */
  body(d: NoticeDelivery): Record<string, unknown> {
    const at = d.createdAt ?? this.options.now?.() ?? new Date();
    const data: Record<string, { value: string }> = {};
    for (const { key, source } of this.fields) {
      const text = source === 'title' ? d.title : source === 'body' ? d.body : wechatTime(at);
      data[key] = { value: templateValue(key, text) };
    }
    return {
      touser: d.recipient,
      template_id: this.options.templateId,
      page: d.page ?? MESSAGES_PAGE,
      miniprogram_state: this.options.miniprogramState ?? 'formal',
      lang: 'zh_CN',
      data,
    };
  }

  async send(d: NoticeDelivery): Promise<void> {
    const path = '/cgi-bin/message/subscribe/send';
    const answer = await this.api.post<WechatAnswer>(path, this.body(d));
    const errcode = answer.errcode ?? 0;
    if (errcode === 0) return;
    if (SUBSCRIBE_PERMANENT.has(errcode)) throw new PermanentDeliveryError(`WeChat ${path} refused (errcode ${errcode})`);
    throw new WechatApiError(path, errcode);
  }
}

// ---------------------------------------------------------------------------------------------
// SMS through the operator's relay

/** HTTP statuses of the relay that no retry changes: it refused the request itself. */
const RELAY_PERMANENT: ReadonlySet<number> = new Set([400, 404, 410, 422]);

/**
 * Production: the SMS relay that sends the login codes (server/platform/sms.ts HttpSmsSender),
 * with the same request: POST `{phone, template, params}` as JSON, HMAC-SHA256 of the body in
 * `X-Signature`; template `NOTICE`, params `{title, body}`, and `X-Idempotency-Key: <deliveryId>`
 * so that the relay drops a repeat of a delivery it already took.
 */
export class SmsNoticeChannel implements NoticeChannel {
  readonly channel = 'sms' as const;

  constructor(
    private readonly options: { url: string; secret: string; fetch?: FetchLike; timeoutMs?: number },
  ) {}

  async send(d: NoticeDelivery): Promise<void> {
    const body = JSON.stringify({ phone: d.recipient, template: 'NOTICE', params: { title: d.title, body: d.body } });
    const signature = createHmac('sha256', this.options.secret).update(body).digest('hex');
    const doFetch = this.options.fetch ?? (fetch as unknown as FetchLike);
    const response = await doFetch(this.options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature': signature, 'x-idempotency-key': d.deliveryId },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (response.ok) return;
    if (RELAY_PERMANENT.has(response.status)) throw new PermanentDeliveryError(`SMS relay refused the notice (HTTP ${response.status})`);
    throw new Error(`SMS relay answered HTTP ${response.status}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Development

/** An openid shown in a log: its first four characters. */
export function maskOpenid(openid: string): string {
  return `${openid.slice(0, 4)}…`;
}

/** Development: the notice goes to the log (recipient masked), nowhere else. */
export class LogNoticeChannel implements NoticeChannel {
  constructor(
    readonly channel: ChannelName,
    private readonly log: Logger,
  ) {}

  async send(d: NoticeDelivery): Promise<void> {
    const to = this.channel === 'sms' ? maskPhone(d.recipient) : maskOpenid(d.recipient);
    this.log.info(
      { channel: this.channel, deliveryId: d.deliveryId, kind: d.kind, to, title: d.title, body: d.body },
      `development ${this.channel === 'sms' ? 'SMS' : 'WeChat subscribe message'}: notice`,
    );
  }
}
