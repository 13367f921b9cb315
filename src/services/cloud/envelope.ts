import Taro from '@tarojs/taro';
import { ERROR_MESSAGES, INTERNAL_ERROR_MESSAGE, isErrorCode } from '@/rules/errorCodes';
import { ROUTES } from '@/services/routes';
import { useSession } from '@/stores/session';
import type { CloudError, Envelope } from './types';

export const NETWORK_ERROR_MESSAGE = '网络异常，请稍后重试';

export const networkError = (): Envelope<never> => ({
  ok: false,
  error: { code: 'NETWORK_ERROR', message: NETWORK_ERROR_MESSAGE },
});

const HAN = /[\u4e00-\u9fff]/;

/**
 * The message a person reads: the server's Chinese message without the `field：` prefix that
 * INVALID_INPUT messages carry; the default message of the code when the server's has no
 * Chinese in it; never anything English.
 */
function readableMessage(code: CloudError['code'], message: unknown, field: string | undefined): string {
  if (code === 'INTERNAL') return INTERNAL_ERROR_MESSAGE;
  let text = typeof message === 'string' ? message.trim() : '';
  if (field && text.startsWith(`${field}：`)) text = text.slice(field.length + 1).trim();
  text = text.replace(/^[A-Za-z][\w.]*：/, '').trim();
  if (text && HAN.test(text)) return text;
  return isErrorCode(code) ? ERROR_MESSAGES[code] : INTERNAL_ERROR_MESSAGE;
}

/** Whatever came back from the transport, as a well-formed envelope. */
export function normalizeEnvelope<T>(raw: unknown): Envelope<T> {
  if (typeof raw !== 'object' || raw === null) return networkError();
  const value = raw as { ok?: unknown; data?: unknown; error?: unknown };
  if (value.ok === true) return { ok: true, data: value.data as T };
  if (value.ok !== false || typeof value.error !== 'object' || value.error === null) return networkError();
  const error = value.error as { code?: unknown; message?: unknown; field?: unknown };
  const code: CloudError['code'] = isErrorCode(error.code) ? error.code : 'INTERNAL';
  const field = typeof error.field === 'string' && error.field !== '' ? error.field : undefined;
  return { ok: false, error: { code, message: readableMessage(code, error.message, field), ...(field ? { field } : {}) } };
}

function currentRoute(): string {
  const pages = Taro.getCurrentPages();
  const route = pages[pages.length - 1]?.route ?? '';
  return route.startsWith('/') ? route : `/${route}`;
}

/**
 * What every answer goes through: UNAUTHENTICATED ends the session and returns to the login
 * page; NOT_VERIFIED sends the user to identity verification.
 */
export function afterCall<T>(envelope: Envelope<T>, functionName: string): Envelope<T> {
  if (envelope.ok) return envelope;
  const here = currentRoute();
  if (envelope.error.code === 'UNAUTHENTICATED' && functionName !== 'login' && functionName !== 'loginByWechatPhone') {
    // Never logged in here: the page's own guard (useSignedIn) goes to the login page and back.
    const hadSession = useSession.getState().token !== null;
    useSession.getState().signOut();
    if (hadSession && here !== ROUTES.login) void Taro.reLaunch({ url: ROUTES.login });
  } else if (envelope.error.code === 'NOT_VERIFIED') {
    useSession.getState().setVerified(false);
    if (here !== ROUTES.verify) void Taro.redirectTo({ url: ROUTES.verify });
  }
  return envelope;
}
