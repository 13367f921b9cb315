/**
 * Start-up configuration from the environment (SPEC 3.1). Read once; an invalid value stops
 * the start with a message that names the variable.
 */
export interface Limits {
  /** Resend cooldown of a login code, per phone. */
  smsCooldownSeconds: number;
  /** Login codes sent per phone per day. */
  smsPerPhonePerDay: number;
  /** A login code is valid this long. */
  codeTtlSeconds: number;
  /** Wrong tries that kill a login code. */
  codeMaxFailures: number;
  /** Login attempts (right or wrong) per phone per hour. */
  loginAttemptsPerHour: number;
  /** Identity verifications per user per hour (they consult the registry). */
  verifyAttemptsPerHour: number;
  /** Binding and family-account attempts that reach the registry, per user per hour. */
  bindAttemptsPerHour: number;
  /** Diagnoses per user per hour (each one tells something of a sharer's balance). */
  diagnosePerHour: number;
  /** Staff login attempts per user name per hour (SPEC 2.10). */
  staffLoginPerUsernamePerHour: number;
  /** Staff login attempts per client address per hour. */
  staffLoginPerClientPerHour: number;
}

/** The delivery worker of notices (SPEC 2.8, server/workers/notices.ts). */
export interface NoticeSettings {
  /** Tries of one delivery before it is marked failed. */
  maxAttempts: number;
  /** The pause after the first failed try; it doubles after each further one. */
  retryBaseSeconds: number;
  /** The longest pause between two tries. */
  retryMaxSeconds: number;
  /** How long a worker holds a delivery it is sending before another may take it over. */
  leaseSeconds: number;
  /** How often the worker looks for work. */
  intervalMs: number;
  /** Messages dispatched and deliveries sent per round. */
  batchSize: number;
}

/** Where the data lives: all that `npm run migrate` (scripts/migrate.ts) needs. */
export interface DatabaseConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  /** Connections of the PostgreSQL pool (DB_POOL_SIZE, 1–100): 16 in the gateway, 2 in a cloud function. */
  dbPoolSize: number;
}

/** WeChat's server API and the SMS relay; each unset in development means "simulated" (server/app.ts). */
export interface OutsideConfig {
  wechatAppId: string | undefined;
  wechatSecret: string | undefined;
  /** A relay in front of api.weixin.qq.com. */
  wechatApiBase: string;
  wechatNoticeTemplateId: string | undefined;
  /** The subscribe template's field mapping (server/platform/noticeChannels.ts); unset: the default one. */
  wechatNoticeFields: string | undefined;
  /** developer, trial or formal (checked where the channel is built). */
  wechatMiniprogramState: string;
  smsGatewayUrl: string | undefined;
  smsGatewaySecret: string | undefined;
}

export interface Config extends DatabaseConfig {
  appEnv: 'development' | 'production';
  port: number;
  /** pino's level (LOG_LEVEL). */
  logLevel: string;
  outside: OutsideConfig;
  /** `npm start` builds the H5 app / staff console when missing unless SKIP_H5_BUILD / SKIP_STAFF_BUILD is 1. */
  skipH5Build: boolean;
  skipStaffBuild: boolean;
  adminKey: string | undefined;
  sessionSecret: string | undefined;
  idDigestKey: string | undefined;
  demoData: boolean;
  sessionTtlSeconds: number;
  /** A staff session lasts one working day by default. */
  staffSessionTtlSeconds: number;
  limits: Limits;
  notices: NoticeSettings;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function text(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
}

/** Where a process runs: the gateway (`npm start`) or one cloud function instance (its own small pool). */
export type Runtime = 'gateway' | 'cloudFunction';

const POOL_DEFAULT: Record<Runtime, number> = { gateway: 16, cloudFunction: 2 };

/** The database part of the configuration alone (scripts/migrate.ts: no secrets needed to migrate). */
export function loadDatabaseConfig(env: Env = process.env, runtime: Runtime = 'gateway'): DatabaseConfig {
  return {
    databaseUrl: text(env, 'DATABASE_URL'),
    dataDir: text(env, 'DATA_DIR') ?? '.data/pglite',
    dbPoolSize: integer(env, 'DB_POOL_SIZE', POOL_DEFAULT[runtime], 1, 100),
  };
}

/** Every environment variable the product reads is read here (tests and benchmarks read their own). */
export function loadConfig(env: Env = process.env, runtime: Runtime = 'gateway'): Config {
  const appEnv = env.APP_ENV ?? 'development';
  if (appEnv !== 'development' && appEnv !== 'production') {
    throw new ConfigError(`APP_ENV must be "development" or "production", got "${appEnv}"`);
  }
  const config: Config = {
    appEnv,
    port: integer(env, 'PORT', 3000, 0, 65535),
    ...loadDatabaseConfig(env, runtime),
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    outside: {
      wechatAppId: text(env, 'WECHAT_APPID'),
      wechatSecret: text(env, 'WECHAT_SECRET'),
      wechatApiBase: text(env, 'WECHAT_API_BASE') ?? 'https://api.weixin.qq.com',
      wechatNoticeTemplateId: text(env, 'WECHAT_NOTICE_TEMPLATE_ID'),
      wechatNoticeFields: text(env, 'WECHAT_NOTICE_FIELDS'),
      wechatMiniprogramState: text(env, 'WECHAT_MINIPROGRAM_STATE') ?? 'formal',
      smsGatewayUrl: text(env, 'SMS_GATEWAY_URL'),
      smsGatewaySecret: text(env, 'SMS_GATEWAY_SECRET'),
    },
    skipH5Build: env.SKIP_H5_BUILD === '1',
    skipStaffBuild: env.SKIP_STAFF_BUILD === '1',
    adminKey: text(env, 'ADMIN_KEY'),
    sessionSecret: text(env, 'SESSION_SECRET'),
    idDigestKey: text(env, 'ID_DIGEST_KEY'),
    demoData: appEnv === 'development' && env.DEMO_DATA !== '0',
    sessionTtlSeconds: integer(env, 'SESSION_TTL_SECONDS', 7 * 24 * 3600, 60, 90 * 24 * 3600),
    staffSessionTtlSeconds: integer(env, 'STAFF_SESSION_TTL_SECONDS', 10 * 3600, 60, 7 * 24 * 3600),
    limits: {
      smsCooldownSeconds: integer(env, 'SMS_COOLDOWN_SECONDS', 60, 0, 3600),
      smsPerPhonePerDay: integer(env, 'SMS_PER_PHONE_PER_DAY', 10, 1, 1000),
      codeTtlSeconds: integer(env, 'CODE_TTL_SECONDS', 600, 30, 600),
      codeMaxFailures: integer(env, 'CODE_MAX_FAILURES', 5, 1, 20),
      loginAttemptsPerHour: integer(env, 'LOGIN_ATTEMPTS_PER_HOUR', 20, 1, 100_000),
      verifyAttemptsPerHour: integer(env, 'VERIFY_ATTEMPTS_PER_HOUR', 10, 1, 100_000),
      bindAttemptsPerHour: integer(env, 'BIND_ATTEMPTS_PER_HOUR', 30, 1, 1_000_000),
      diagnosePerHour: integer(env, 'DIAGNOSE_PER_HOUR', 20, 1, 1_000_000),
      staffLoginPerUsernamePerHour: integer(env, 'STAFF_LOGIN_PER_USERNAME_PER_HOUR', 10, 1, 100_000),
      staffLoginPerClientPerHour: integer(env, 'STAFF_LOGIN_PER_CLIENT_PER_HOUR', 60, 1, 1_000_000),
    },
    notices: {
      maxAttempts: integer(env, 'NOTICE_MAX_ATTEMPTS', 8, 1, 100),
      retryBaseSeconds: integer(env, 'NOTICE_RETRY_BASE_SECONDS', 30, 1, 3600),
      retryMaxSeconds: integer(env, 'NOTICE_RETRY_MAX_SECONDS', 3600, 1, 7 * 24 * 3600),
      leaseSeconds: integer(env, 'NOTICE_LEASE_SECONDS', 120, 10, 3600),
      intervalMs: integer(env, 'NOTICE_INTERVAL_MS', 2000, 50, 3_600_000),
      batchSize: integer(env, 'NOTICE_BATCH_SIZE', 50, 1, 1000),
    },
  };
  if (config.appEnv === 'production') {
    const missing = (['ADMIN_KEY', 'SESSION_SECRET', 'ID_DIGEST_KEY'] as const).filter((name) => !text(env, name));
    if (missing.length > 0) throw new ConfigError(`production requires ${missing.join(', ')}`);
    for (const name of ['ADMIN_KEY', 'SESSION_SECRET', 'ID_DIGEST_KEY'] as const) {
      if ((text(env, name) ?? '').length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
    }
  }
  return config;
}
