import { normalizeLookup } from './logic';
import type { ActRequest, AuditPage, Evidence, LookupAnswer, LookupData, StaffLoginData, StaffProfile } from './types';

/** An error answered by the gateway (the envelope's error), or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'staffConsole.token';
const PROFILE_KEY = 'staffConsole.staff';

/** The session lives in sessionStorage: a desk screen is shared, closing the tab ends it. */
export const session = {
  load(): { token: string; staff: StaffProfile } | null {
    try {
      const token = sessionStorage.getItem(TOKEN_KEY);
      const staff = sessionStorage.getItem(PROFILE_KEY);
      if (!token || !staff) return null;
      const parsed = JSON.parse(staff) as StaffProfile;
      return parsed && typeof parsed.staffId === 'string' ? { token, staff: parsed } : null;
    } catch {
      return null;
    }
  },
  save(token: string, staff: StaffProfile): void {
    sessionStorage.setItem(TOKEN_KEY, token);
    sessionStorage.setItem(PROFILE_KEY, JSON.stringify(staff));
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(PROFILE_KEY);
  },
};

type Envelope<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; field?: string } };

/** POST /api/<name> with the staff token; resolves with `data`, rejects with an ApiError carrying the envelope's message. */
export async function call<T>(name: string, event: object, token?: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(event),
    });
  } catch {
    throw new ApiError('NETWORK_ERROR', '网络连接失败，请检查网络后重试');
  }
  let envelope: Envelope<T>;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    throw new ApiError('INTERNAL', `服务暂时不可用（HTTP ${response.status}），请稍后重试`);
  }
  if (envelope && envelope.ok === true) return envelope.data;
  if (envelope && envelope.ok === false && envelope.error) {
    throw new ApiError(envelope.error.code, envelope.error.message || '操作未成功，请重试', envelope.error.field);
  }
  throw new ApiError('INTERNAL', '服务返回了无法识别的结果，请稍后重试');
}

export const staffApi = {
  login: (username: string, password: string, totp: string) => call<StaffLoginData>('staffLogin', { username, password, totp }),
  lookup: async (token: string, idNumber: string, reason: string): Promise<LookupData> =>
    normalizeLookup(await call<LookupAnswer>('staffLookup', { idNumber, reason }, token)),
  act: (token: string, personIdNumber: string, evidence: Evidence, request: ActRequest) =>
    call<unknown>('staffAct', { action: request.action, personIdNumber, evidence, ...request.fields }, token),
  audit: (token: string, filter: { staffId?: string; personIdNumber?: string; cursor?: string; limit?: number }) =>
    call<AuditPage>('listAudit', filter, token),
};
