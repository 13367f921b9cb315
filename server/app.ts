import { checkDatabaseChoice, type Config, type DatabaseConfig, type DatabaseTimeouts } from './config';
import { migrate, SchemaBehind, schemaStatus } from './db/migrate';
import { openPg } from './db/pg';
import type { Db } from './db/port';
import { systemClock, type Clock } from './platform/clock';
import { DevFaceCheckProvider, WechatFaceCheckProvider, type FaceCheckProvider } from './platform/faceCheck';
import { loadKeys, type Keys } from './platform/keys';
import { createLogger, type Logger } from './platform/log';
import {
  DEFAULT_TEMPLATE_FIELDS,
  LogNoticeChannel,
  parseTemplateFields,
  SmsNoticeChannel,
  WechatSubscribeChannel,
  type NoticeChannel,
} from './platform/noticeChannels';
import { LogSmsSender, HttpSmsSender, type SmsSender } from './platform/sms';
import { WechatApi } from './platform/wechatApi';
import { DevWechatPhoneResolver, HttpWechatPhoneResolver, UnconfiguredWechatPhoneResolver, type WechatPhoneResolver } from './platform/wechatPhone';

/** Everything a use case may touch: the database, the configuration and the outside world. */
export interface App {
  readonly db: Db;
  readonly config: Config;
  readonly clock: Clock;
  readonly sms: SmsSender;
  readonly wechatPhone: WechatPhoneResolver;
  /** The face-check provider of identity proofs (SPEC 2.7). */
  readonly faceCheck: FaceCheckProvider;
  /** The channels the notice worker delivers by (SPEC 2.8), at most one per channel name. */
  readonly noticeChannels: readonly NoticeChannel[];
  readonly keys: Keys;
  readonly log: Logger;
}

export interface AppParts {
  db?: Db;
  clock?: Clock;
  sms?: SmsSender;
  wechatPhone?: WechatPhoneResolver;
  faceCheck?: FaceCheckProvider;
  noticeChannels?: readonly NoticeChannel[];
  log?: Logger;
  /**
   * `migrate` (default: a development start, the tests) applies the missing migrations; `check`
   * (production, a cloud function's cold start) only looks and throws SchemaBehind: there the
   * migrations are a deploy step, `npm run migrate`.
   */
  schema?: 'migrate' | 'check';
}

export async function openDatabase(config: DatabaseConfig & { database?: DatabaseTimeouts }): Promise<Db> {
  if (config.databaseUrl) return openPg(config.databaseUrl, config.dbPoolSize, { timeouts: config.database });
  // Loaded only when used: a bundled cloud function in WeChat runs on DATABASE_URL alone.
  const [{ mkdir }, { openPglite }] = await Promise.all([import('node:fs/promises'), import('./db/pglite')]);
  await mkdir(config.dataDir, { recursive: true });
  return openPglite(config.dataDir);
}

/** Opens (or takes) the database, applies the migrations (or checks them: `parts.schema`) and loads the keys. */
export async function createApp(config: Config, parts: AppParts = {}): Promise<App & { adminKeyGenerated: boolean }> {
  const log = parts.log ?? createLogger({ level: config.logLevel });
  // Production on PGlite only when asked for (SPEC 3.1).
  if (!parts.db) checkDatabaseChoice(config);
  const db = parts.db ?? (await openDatabase(config));
  if (parts.schema === 'check') {
    const { missing } = await schemaStatus(db);
    if (missing.length > 0) {
      if (!parts.db) await db.close().catch(() => undefined);
      throw new SchemaBehind(missing);
    }
  } else {
    await migrate(db);
  }
  const keys = await loadKeys(db, config);
  // One WechatApi (one access token) for every adapter that calls WeChat.
  const wechat = wechatApiOf(config);
  const sms = parts.sms ?? defaultSms(config, log);
  const wechatPhone = parts.wechatPhone ?? defaultWechatPhone(config, wechat);
  const faceCheck = parts.faceCheck ?? defaultFaceCheck(config, wechat);
  const noticeChannels = parts.noticeChannels ?? defaultNoticeChannels(config, log, wechat);
  if (new Set(noticeChannels.map((c) => c.channel)).size !== noticeChannels.length) throw new Error('two notice channels of one name');
  return {
    db,
    config,
    clock: parts.clock ?? systemClock,
    sms,
    wechatPhone,
    faceCheck,
    noticeChannels,
    keys,
    log,
    adminKeyGenerated: keys.adminGenerated,
  };
}

/** WeChat's server API when WECHAT_APPID and WECHAT_SECRET are set (WECHAT_API_BASE: a relay). */
function wechatApiOf(config: Config): WechatApi | undefined {
  const { wechatAppId: appId, wechatSecret: secret, wechatApiBase: baseUrl } = config.outside;
  if (!appId || !secret) return undefined;
  return new WechatApi({ baseUrl, appId, secret });
}

function defaultSms(config: Config, log: Logger): SmsSender {
  const { smsGatewayUrl: url, smsGatewaySecret: secret } = config.outside;
  if (url && secret) return new HttpSmsSender(url, secret);
  if (config.appEnv !== 'development') throw new Error('production requires SMS_GATEWAY_URL and SMS_GATEWAY_SECRET');
  return new LogSmsSender(log);
}

/** WeChat's phone login; the demo one (any phone) only in development, else an answered error (SPEC 2.13). */
function defaultWechatPhone(config: Config, wechat: WechatApi | undefined): WechatPhoneResolver {
  if (wechat) return new HttpWechatPhoneResolver(wechat);
  return config.appEnv === 'development' ? new DevWechatPhoneResolver() : new UnconfiguredWechatPhoneResolver();
}

/** WeChat's face check; the simulated one only in development (SPEC 2.13). */
function defaultFaceCheck(config: Config, wechat: WechatApi | undefined): FaceCheckProvider {
  if (wechat) return new WechatFaceCheckProvider(wechat);
  if (config.appEnv !== 'development') throw new Error('production requires WECHAT_APPID and WECHAT_SECRET (face check)');
  return new DevFaceCheckProvider();
}

/**
 * WeChat subscribe messages with WECHAT_NOTICE_TEMPLATE_ID (its fields: WECHAT_NOTICE_FIELDS,
 * WECHAT_MINIPROGRAM_STATE) and SMS through the relay of SMS_GATEWAY_URL; in development the
 * channels that are not configured write to the log, in production they are required.
 */
function defaultNoticeChannels(config: Config, log: Logger, wechat: WechatApi | undefined): NoticeChannel[] {
  const production = config.appEnv === 'production';
  const templateId = config.outside.wechatNoticeTemplateId;
  let wechatChannel: NoticeChannel;
  if (wechat && templateId) {
    let fields;
    try {
      fields = parseTemplateFields(config.outside.wechatNoticeFields ?? DEFAULT_TEMPLATE_FIELDS);
    } catch (error) {
      throw new Error(`WECHAT_NOTICE_FIELDS: ${error instanceof Error ? error.message : String(error)}`);
    }
    const state = config.outside.wechatMiniprogramState;
    if (state !== 'developer' && state !== 'trial' && state !== 'formal') {
      throw new Error(`WECHAT_MINIPROGRAM_STATE must be developer, trial or formal, got "${state}"`);
    }
    wechatChannel = new WechatSubscribeChannel(wechat, { templateId, fields, miniprogramState: state });
  } else if (production) {
    throw new Error('production requires WECHAT_APPID, WECHAT_SECRET and WECHAT_NOTICE_TEMPLATE_ID (notices)');
  } else {
    wechatChannel = new LogNoticeChannel('wechat', log);
  }
  const { smsGatewayUrl: url, smsGatewaySecret: secret } = config.outside;
  let smsChannel: NoticeChannel;
  if (url && secret) smsChannel = new SmsNoticeChannel({ url, secret });
  else if (production) throw new Error('production requires SMS_GATEWAY_URL and SMS_GATEWAY_SECRET');
  else smsChannel = new LogNoticeChannel('sms', log);
  return [wechatChannel, smsChannel];
}
