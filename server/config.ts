/**
 * Start-up configuration from the environment (SPEC 3.1). Read once; an invalid value stops
 * the start with a message that names the variable.
 */
export interface Limits {
  /** Resend cooldown of a login code, per phone. */
  smsCooldownSeconds: number;
  /**
   * Login codes sent per phone per day at the plain cooldown; after them the phone still gets
   * one code per `smsSlowCooldownSeconds`, so that nobody can use up a phone's day (SPEC 2.13).
   */
  smsPerPhonePerDay: number;
  /** The cooldown of a phone that has had its day's codes (at most 15 minutes, SPEC 2.13). */
  smsSlowCooldownSeconds: number;
  /** Login codes sent per client (address, or OPENID in WeChat) per hour, whatever the phones. */
  smsPerClientPerHour: number;
  /** Login codes sent in all per hour: the SMS bill's ceiling. */
  smsGlobalPerHour: number;
  /** A login code is valid this long. */
  codeTtlSeconds: number;
  /** Wrong tries that kill a login code. */
  codeMaxFailures: number;
  /**
   * Login attempts (right or wrong) per client (address, or OPENID in WeChat) per hour. Per
   * client and not per phone: junk attempts from elsewhere never lock a phone's owner out.
   */
  loginAttemptsPerClientPerHour: number;
  /** WeChat phone-number logins per phone per hour (only WeChat can vouch for a phone). */
  wechatLoginsPerPhonePerHour: number;
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

/** How long the server waits for PostgreSQL (SPEC 2.13); see server/db/pg.ts. */
export interface DatabaseTimeouts {
  connectMs: number;
  statementMs: number;
  queryMs: number;
  idleInTransactionMs: number;
  keepAliveMs: number;
  /** A report's statements (the clearing statement: scheduler and staff, never a user's request). */
  reportMs: number;
  /** The whole start-up's wait for the database before it gives up with a message. */
  startupMs: number;
}

/** The largest request body by default (HTTP_BODY_LIMIT_BYTES). */
export const DEFAULT_BODY_LIMIT_BYTES = 64 * 1024;

/** The gateway's HTTP limits (server/gateway/server.ts): a request that never ends is closed. */
export interface HttpSettings {
  /** A whole request (headers and body) must arrive within this time, else 408 and close. */
  requestTimeoutMs: number;
  /** The headers must arrive within this time. */
  headersTimeoutMs: number;
  /** A connection with no traffic at all is closed after this time. */
  connectionTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
  /** The largest request body. */
  bodyLimitBytes: number;
  /** How often Node looks for requests over their time (ms). */
  checkIntervalMs: number;
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
  database: DatabaseTimeouts;
  http: HttpSettings;
  /** ALLOW_PGLITE_IN_PRODUCTION=1: production may run on the embedded PGlite (one process, one disk). */
  allowPgliteInProduction: boolean;
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
  // No default: a forgotten APP_ENV must not turn a production server into a development one
  // that answers devCode to anyone (SPEC 2.13, 3.1).
  const appEnv = text(env, 'APP_ENV');
  if (appEnv === undefined) {
    throw new ConfigError('APP_ENV is required: set APP_ENV=production for a deployment, APP_ENV=development on a workstation (npm start sets it)');
  }
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
      smsSlowCooldownSeconds: integer(env, 'SMS_SLOW_COOLDOWN_SECONDS', 900, 0, 900),
      smsPerClientPerHour: integer(env, 'SMS_PER_CLIENT_PER_HOUR', 20, 1, 1_000_000),
      smsGlobalPerHour: integer(env, 'SMS_GLOBAL_PER_HOUR', 20_000, 1, 100_000_000),
      codeTtlSeconds: integer(env, 'CODE_TTL_SECONDS', 600, 30, 600),
      codeMaxFailures: integer(env, 'CODE_MAX_FAILURES', 5, 1, 20),
      loginAttemptsPerClientPerHour: integer(env, 'LOGIN_ATTEMPTS_PER_CLIENT_PER_HOUR', 30, 1, 1_000_000),
      wechatLoginsPerPhonePerHour: integer(env, 'WECHAT_LOGINS_PER_PHONE_PER_HOUR', 20, 1, 100_000),
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
    database: {
      connectMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 2_000, 100, 60_000),
      statementMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 4_000, 100, 3_600_000),
      queryMs: integer(env, 'DB_QUERY_TIMEOUT_MS', 4_500, 100, 3_600_000),
      idleInTransactionMs: integer(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 10_000, 1_000, 3_600_000),
      keepAliveMs: integer(env, 'DB_KEEPALIVE_MS', 10_000, 1_000, 600_000),
      reportMs: integer(env, 'DB_REPORT_TIMEOUT_MS', 120_000, 1_000, 3_600_000),
      startupMs: integer(env, 'DB_STARTUP_TIMEOUT_MS', 25_000, 1_000, 600_000),
    },
    http: {
      requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000),
      headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
      connectionTimeoutMs: integer(env, 'HTTP_CONNECTION_TIMEOUT_MS', 60_000, 100, 3_600_000),
      keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
      bodyLimitBytes: integer(env, 'HTTP_BODY_LIMIT_BYTES', DEFAULT_BODY_LIMIT_BYTES, 1024, 10 * 1024 * 1024),
      checkIntervalMs: integer(env, 'HTTP_TIMEOUT_CHECK_INTERVAL_MS', 1_000, 50, 30_000),
    },
    allowPgliteInProduction: env.ALLOW_PGLITE_IN_PRODUCTION === '1',
  };
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS must not be longer than HTTP_REQUEST_TIMEOUT_MS');
  }
  if (config.appEnv === 'production') {
    const missing = (['ADMIN_KEY', 'SESSION_SECRET', 'ID_DIGEST_KEY'] as const).filter((name) => !text(env, name));
    if (missing.length > 0) throw new ConfigError(`production requires ${missing.join(', ')}`);
    for (const name of ['ADMIN_KEY', 'SESSION_SECRET', 'ID_DIGEST_KEY'] as const) {
      if ((text(env, name) ?? '').length < 32) throw new ConfigError(`${name} must be at least 32 characters`);
    }
  }
  return config;
}

/**
 * Production runs on PostgreSQL (DATABASE_URL): PGlite is one process on one disk, without a
 * standby. It may still be chosen, but only on purpose (SPEC 3.1).
 */
export function checkDatabaseChoice(config: Config): void {
  if (config.appEnv === 'production' && !config.databaseUrl && !config.allowPgliteInProduction) {
    throw new ConfigError(
      'production requires DATABASE_URL (PostgreSQL); to run production on the embedded PGlite anyway, set ALLOW_PGLITE_IN_PRODUCTION=1',
    );
  }
}
