import { ERROR_MESSAGES, type ErrorCode } from '../src/rules/errorCodes';

/**
 * An expected failure with a stable SPEC code. Use cases throw it; the runtime turns it into
 * the envelope in one place (runtime/envelope.ts). Anything else that is thrown is a defect
 * and answers INTERNAL without details.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly field?: string,
  ) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
  }
}

export function fail(code: ErrorCode, message?: string, field?: string): never {
  throw new AppError(code, message, field);
}

export function invalidInput(field: string, message?: string): never {
  throw new AppError('INVALID_INPUT', message ?? `请求参数 ${field} 不正确，请检查后重试`, field);
}
