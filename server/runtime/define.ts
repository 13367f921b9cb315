import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app';
import { AppError } from '../errors';
import {
  resolveAdmin,
  resolveInstitution,
  resolveStaff,
  resolveUser,
  staffMay,
  type AdminCaller,
  type CallerSource,
  type InstitutionCaller,
  type StaffCaller,
  type StaffRole,
  type UserCaller,
} from './caller';
import { failure, INTERNAL, success, type Envelope, type ErrorBody } from './envelope';
import { firstIssue } from './issues';
import { DatabaseNotConfigured, defaultApp } from './defaultApp';
import { isUnreachable } from '../db/port';
import { ERROR_MESSAGES } from '../../src/rules/errorCodes';

export type AuthKind = 'public' | 'user' | 'institution' | 'admin' | 'staff';

type CallerOf<A extends AuthKind> = A extends 'user'
  ? UserCaller
  : A extends 'institution'
    ? InstitutionCaller
    : A extends 'admin'
      ? AdminCaller
      : A extends 'staff'
        ? StaffCaller
        : PublicCaller;

/** A caller without credentials; `clientAddress` is the gateway's view of the client (none in WeChat). */
export interface PublicCaller {
  kind: 'public';
  source: CallerSource;
  clientAddress: string | null;
}

export interface Call<A extends AuthKind> {
  readonly app: App;
  readonly caller: CallerOf<A>;
  readonly requestId: string;
}

/**
 * The context the local gateway passes to `main`. In WeChat the context is WeChat's own and
 * the caller is the OPENID of `getWXContext()`.
 */
export interface GatewayContext {
  readonly source: 'gateway';
  readonly app: App;
  readonly bearer?: string;
  readonly requestId?: string;
  /** The client's address as the gateway sees it (rate limits per client). */
  readonly clientAddress?: string;
}

export type CloudMain = ((event: unknown, context?: unknown) => Promise<Envelope>) & {
  readonly auth: AuthKind;
};

function isGatewayContext(context: unknown): context is GatewayContext {
  return typeof context === 'object' && context !== null && (context as { source?: unknown }).source === 'gateway';
}

/** The part of wx-server-sdk this runtime uses. */
interface WxServerSdk {
  getWXContext(): { OPENID?: unknown };
}

/**
 * The caller's OPENID in WeChat's cloud runtime. wx-server-sdk is a CommonJS package that exists
 * only there (the bundle's package.json lists it), so it is loaded with `require` when first
 * needed, as WeChat's own samples do: through `import()` Node hands a CommonJS package over as
 * `default` only, and getWXContext was not a function. The SDK reads the caller from the
 * environment (WX_OPENID) on every call, and turns an all-digit value into a number.
 */
function wechatOpenid(): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only inside WeChat's runtime, where it exists
  const cloud = require('wx-server-sdk') as WxServerSdk;
  const openid = cloud.getWXContext().OPENID;
  if (typeof openid === 'string' && openid !== '') return openid;
  if (typeof openid === 'number' && Number.isSafeInteger(openid)) return String(openid);
  return undefined;
}

/**
 * SPEC 4's UNAVAILABLE (the database cannot be reached) for an instance that has no database at
 * all. The message names the variable, for whoever deploys.
 */
const NO_DATABASE: ErrorBody = {
  code: 'UNAVAILABLE',
  message: '服务暂不可用：云函数未配置数据库（环境变量 DATABASE_URL），请联系管理员',
};

/** The database is away (SPEC 2.13): the caller may retry, with the same idempotency key. */
const DATABASE_AWAY: ErrorBody = { code: 'UNAVAILABLE', message: ERROR_MESSAGES.UNAVAILABLE };

const STAFF_ROLE_TEXT: Readonly<Record<StaffRole, string>> = {
  agent: '该功能仅限医保经办工作人员使用',
  handler: '该业务需由经办员（经办岗）办理，客服岗不能代办',
  supervisor: '审计记录仅限主管查看',
};

async function authenticate(app: App, auth: AuthKind, source: CallerSource, clientAddress: string | null): Promise<unknown> {
  switch (auth) {
    case 'public':
      return { kind: 'public', source, clientAddress } satisfies PublicCaller;
    case 'staff':
      return resolveStaff(app, source);
    case 'user':
      return resolveUser(app, source);
    case 'institution':
      return resolveInstitution(app, source);
    case 'admin':
      return resolveAdmin(app, source);
  }
}

/**
 * Makes a cloud function's `main(event, context)`: authenticate the caller from the context,
 * validate the event, run the use case, answer with the envelope. Every failure becomes an
 * envelope here, in one place.
 */
export function defineCloudFunction<A extends AuthKind, S extends z.ZodType, R>(spec: {
  auth: A;
  /** For staff functions: the least role that may call it (SPEC 2.10); others are FORBIDDEN. */
  staffRole?: A extends 'staff' ? StaffRole : never;
  event: S;
  run: (call: Call<A>, input: z.output<S>) => Promise<R>;
}): CloudMain {
  const main = async (event: unknown, context?: unknown): Promise<Envelope> => {
    let app: App | undefined;
    const requestId = (isGatewayContext(context) && context.requestId) || randomUUID();
    try {
      let source: CallerSource;
      if (isGatewayContext(context)) {
        app = context.app;
        source = { bearer: context.bearer };
      } else {
        app = await defaultApp();
        const openid = wechatOpenid();
        source = openid ? { openid } : {};
        // WeChat adds the caller's userInfo to every event; identity never comes from it.
        if (typeof event === 'object' && event !== null && !Array.isArray(event) && 'userInfo' in event) {
          const { userInfo: _ignored, ...rest } = event as Record<string, unknown>;
          event = rest;
        }
      }
      const clientAddress = isGatewayContext(context) ? (context.clientAddress ?? null) : null;
      const caller = (await authenticate(app, spec.auth, source, clientAddress)) as CallerOf<A>;
      if (spec.staffRole && (caller as StaffCaller).kind === 'staff' && !staffMay((caller as StaffCaller).role, spec.staffRole)) {
        throw new AppError('FORBIDDEN', STAFF_ROLE_TEXT[spec.staffRole]);
      }
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        throw new AppError('INVALID_INPUT', '请求内容应为 JSON 对象', 'event');
      }
      const parsed = spec.event.safeParse(event);
      if (!parsed.success) {
        const issue = firstIssue(parsed.error, event);
        throw new AppError('INVALID_INPUT', issue.message, issue.field);
      }
      return success(await spec.run({ app, caller, requestId }, parsed.data));
    } catch (error) {
      if (error instanceof AppError) return failure(error);
      const log = app?.log;
      if (isUnreachable(error)) {
        // Not a defect: a warning, once per call, without the statement or its parameters.
        if (log) log.warn({ requestId, err: describe(error).message }, 'database unavailable');
        else console.error(JSON.stringify({ requestId, err: describe(error).message, msg: 'database unavailable' }));
        return { ok: false, error: DATABASE_AWAY };
      }
      if (log) log.error({ requestId, err: describe(error) }, 'cloud function failed');
      // Before the app exists (a cold start that failed) the runtime's log is all there is.
      else console.error(JSON.stringify({ requestId, err: describe(error), msg: 'cloud function failed to start' }));
      if (error instanceof DatabaseNotConfigured) return { ok: false, error: NO_DATABASE };
      return { ok: false, error: INTERNAL };
    }
  };
  return Object.assign(main, { auth: spec.auth });
}

function describe(error: unknown): { message: string; code?: string; stack?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, code: typeof code === 'string' ? code : undefined, stack: error.stack };
  }
  return { message: String(error) };
}
