import { ERROR_MESSAGES, HTTP_STATUS, INTERNAL_ERROR_MESSAGE, type ErrorCode } from '../../src/rules/errorCodes';
import { AppError } from '../errors';

/** The one answer shape of every cloud function (SPEC 3.1). */
export type ErrorBody = { code: ErrorCode | 'INTERNAL'; message: string; field?: string };
export type Envelope<T = unknown> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** What a defect answers: no detail, no stack trace. Not a SPEC code: it must never happen. */
export const INTERNAL: ErrorBody = { code: 'INTERNAL', message: INTERNAL_ERROR_MESSAGE };

export function success<T>(data: T): Envelope<T> {
  return { ok: true, data: toJsonSafe(data) as T };
}

export function failure(error: AppError): Envelope<never> {
  const body: ErrorBody = { code: error.code, message: error.message || ERROR_MESSAGES[error.code] };
  if (error.field !== undefined) body.field = error.field;
  return { ok: false, error: body };
}

export function httpStatusOf(envelope: Envelope): number {
  if (envelope.ok) return 200;
  return envelope.error.code === 'INTERNAL' ? 500 : HTTP_STATUS[envelope.error.code];
}

/** bigint → number (amounts are safe integers by the SPEC), Date → ISO string. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new Error('amount outside the safe integer range');
    }
    return Number(value);
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toJsonSafe(item);
    return out;
  }
  return value;
}
