import type { Config } from './config';
import { migrate } from './db/migrate';
import { openPg } from './db/pg';
import type { Db } from './db/port';
import { systemClock, type Clock } from './platform/clock';
import { loadKeys, type Keys } from './platform/keys';
import { createLogger, type Logger } from './platform/log';
import { LogSmsSender, HttpSmsSender, type SmsSender } from './platform/sms';
import { DevWechatPhoneResolver, HttpWechatPhoneResolver, type WechatPhoneResolver } from './platform/wechatPhone';

/** Everything a use case may touch: the database, the configuration and the outside world. */
export interface App {
  readonly db: Db;
  readonly config: Config;
  readonly clock: Clock;
  readonly sms: SmsSender;
  readonly wechatPhone: WechatPhoneResolver;
  readonly keys: Keys;
  readonly log: Logger;
}

export interface AppParts {
  db?: Db;
  clock?: Clock;
  sms?: SmsSender;
  wechatPhone?: WechatPhoneResolver;
  log?: Logger;
}

export async function openDatabase(config: Config): Promise<Db> {
  if (config.databaseUrl) return openPg(config.databaseUrl);
  // Loaded only when used: a bundled cloud function in WeChat runs on DATABASE_URL alone.
  const [{ mkdir }, { openPglite }] = await Promise.all([import('node:fs/promises'), import('./db/pglite')]);
  await mkdir(config.dataDir, { recursive: true });
  return openPglite(config.dataDir);
}

/** Opens (or takes) the database, applies the migrations and loads the keys. */
export async function createApp(config: Config, parts: AppParts = {}): Promise<App & { adminKeyGenerated: boolean }> {
  const log = parts.log ?? createLogger();
  const db = parts.db ?? (await openDatabase(config));
  await migrate(db);
  const keys = await loadKeys(db, config);
  const sms = parts.sms ?? defaultSms(config, log);
  const wechatPhone = parts.wechatPhone ?? defaultWechatPhone(config);
  return { db, config, clock: parts.clock ?? systemClock, sms, wechatPhone, keys, log, adminKeyGenerated: keys.adminGenerated };
}

function defaultSms(config: Config, log: Logger): SmsSender {
  const url = process.env.SMS_GATEWAY_URL;
  const secret = process.env.SMS_GATEWAY_SECRET;
  if (url && secret) return new HttpSmsSender(url, secret);
  if (config.appEnv === 'production') throw new Error('production requires SMS_GATEWAY_URL and SMS_GATEWAY_SECRET');
  return new LogSmsSender(log);
}

function defaultWechatPhone(config: Config): WechatPhoneResolver {
  const appId = process.env.WECHAT_APPID;
  const secret = process.env.WECHAT_SECRET;
  if (appId && secret) {
    return new HttpWechatPhoneResolver({ baseUrl: process.env.WECHAT_API_BASE || 'https://api.weixin.qq.com', appId, secret });
  }
  if (config.appEnv === 'production') throw new Error('production requires WECHAT_APPID and WECHAT_SECRET');
  return new DevWechatPhoneResolver();
}
