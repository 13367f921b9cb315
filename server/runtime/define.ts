import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { App } from '../app';
import { AppError } from '../errors';
import {
  resolveAdmin,
  resolveInstitution,
  resolveUser,
  type AdminCaller,
  type CallerSource,
  type InstitutionCaller,
  type UserCaller,
} from './caller';
import { failure, INTERNAL, success, type Envelope } from './envelope';
import { firstIssue } from './issues';
import { defaultApp } from './defaultApp';

export type AuthKind = 'public' | 'user' | 'institution' | 'admin';

type CallerOf<A extends AuthKind> = A extends 'user'
  ? UserCaller
  : A extends 'institution'
    ? InstitutionCaller
    : A extends 'admin'
      ? AdminCaller
      : { kind: 'public'; source: CallerSource };

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
}

export type CloudMain = ((event: unknown, context?: unknown) => Promise<Envelope>) & {
  readonly auth: AuthKind;
};

function isGatewayContext(context: unknown): context is GatewayContext {
  return typeof context === 'object' && context !== null && (context as { source?: unknown }).source === 'gateway';
}

async function wechatOpenid(): Promise<string | undefined> {
  // wx-server-sdk exists only in the WeChat cloud runtime (the bundle's package.json lists it).
  const moduleName = 'wx-server-sdk';
  const cloud = (await import(moduleName)) as { getWXContext(): { OPENID?: string } };
  return cloud.getWXContext().OPENID || undefined;
}

async function authenticate(app: App, auth: AuthKind, source: CallerSource): Promise<unknown> {
  switch (auth) {
    case 'public':
      return { kind: 'public', source };
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
        const openid = await wechatOpenid();
        source = openid ? { openid } : {};
        // WeChat adds the caller's userInfo to every event; identity never comes from it.
        if (typeof event === 'object' && event !== null && !Array.isArray(event) && 'userInfo' in event) {
          const { userInfo: _ignored, ...rest } = event as Record<string, unknown>;
          event = rest;
        }
      }
      const caller = (await authenticate(app, spec.auth, source)) as CallerOf<A>;
      if (typeof event !== 'object' || event === null || Array.isArray(event)) {
        throw new AppError('INVALID_INPUT', '请求内容应为 JSON 对象', 'event');
      }
      const parsed = spec.event.safeParse(event);
      if (!parsed.success) {
        const issue = firstIssue(parsed.error);
        throw new AppError('INVALID_INPUT', issue.message, issue.field);
      }
      return success(await spec.run({ app, caller, requestId }, parsed.data));
    } catch (error) {
      if (error instanceof AppError) return failure(error);
      const log = app?.log;
      if (log) log.error({ requestId, err: describe(error) }, 'cloud function failed');
      else console.error(`cloud function failed (${requestId})`);
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
