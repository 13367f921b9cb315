import { describe, expect, it } from 'vitest';
import {
  DIAGNOSIS_CODES,
  DIAGNOSIS_TEXT,
  ERROR_CODES,
  ERROR_MESSAGES,
  HTTP_STATUS,
  INTERNAL_ERROR_MESSAGE,
  diagnosisFinding,
  isDiagnosisCode,
  isErrorCode,
} from '../../src/rules';

const CHINESE = /[\u4e00-\u9fff]/;

describe('error codes', () => {
  it('lists the codes of SPEC section 4 in order (v2; those of quotas, premiums and availability come with them)', () => {
    const later = ['QUOTA_EXCEEDS_BALANCE', 'OUTSIDE_PREMIUM_WINDOW', 'PREMIUM_ALREADY_PAID', 'UNAVAILABLE'];
    const spec = [
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'NOT_FOUND',
      'INVALID_INPUT',
      'INVALID_CODE',
      'IDENTITY_MISMATCH',
      'IDENTITY_IN_USE',
      'NOT_VERIFIED',
      'SHARER_NOT_EMPLOYEE',
      'INVALID_ID_NUMBER',
      'SELF_BINDING',
      'RELATIONSHIP_NOT_ALLOWED',
      'RELATIONSHIP_IMPOSSIBLE',
      'RELATIVE_NOT_INSURED',
      'OUT_OF_REGION',
      'ALREADY_BOUND',
      'LIMIT_REACHED',
      'RATE_LIMITED',
      'IDEMPOTENCY_CONFLICT',
      'REFUND_EXCEEDS_PAID',
      'PROOF_REQUIRED',
      'FACE_CHECK_FAILED',
      'UNDERTAKING_REQUIRED',
      'BINDING_BLOCKED',
      'QUOTA_EXCEEDS_BALANCE',
      'OUTSIDE_PREMIUM_WINDOW',
      'PREMIUM_ALREADY_PAID',
      'UNAVAILABLE',
    ];
    expect([...ERROR_CODES]).toEqual(spec.filter((code) => !later.includes(code) || (ERROR_CODES as readonly string[]).includes(code)));
  });

  it('maps the statuses of the codes of SPEC v2', () => {
    expect(HTTP_STATUS.PROOF_REQUIRED).toBeGreaterThanOrEqual(400);
    expect(HTTP_STATUS.BINDING_BLOCKED).toBe(409);
    expect(ERROR_MESSAGES.PROOF_REQUIRED).toMatch(/人脸|预留手机号/);
    expect(ERROR_MESSAGES.UNDERTAKING_REQUIRED).toMatch(CHINESE);
  });

  it.each([...ERROR_CODES])('gives %s a Chinese message and an HTTP status', (code) => {
    expect(ERROR_MESSAGES[code]).toMatch(CHINESE);
    expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
    // Only UNAVAILABLE is the server's own trouble (SPEC 4: HTTP 503); every other code is the caller's.
    if (code === 'UNAVAILABLE') expect(HTTP_STATUS[code]).toBe(503);
    else expect(HTTP_STATUS[code]).toBeLessThan(500);
  });

  it('has no message or status for codes that are not listed', () => {
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(HTTP_STATUS).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('maps the statuses the gateway mirrors', () => {
    expect(HTTP_STATUS.UNAUTHENTICATED).toBe(401);
    expect(HTTP_STATUS.FORBIDDEN).toBe(403);
    expect(HTTP_STATUS.NOT_FOUND).toBe(404);
    expect(HTTP_STATUS.INVALID_INPUT).toBe(400);
    expect(HTTP_STATUS.RATE_LIMITED).toBe(429);
    expect(HTTP_STATUS.IDEMPOTENCY_CONFLICT).toBe(409);
    expect(HTTP_STATUS.RELATIVE_NOT_INSURED).toBe(422);
  });

  it('answers "not found", "name mismatch" and "not active" with one message that says what to do', () => {
    expect(ERROR_MESSAGES.RELATIVE_NOT_INSURED).toBe(
      '未查到该亲属的有效基本医保参保信息，请核对姓名和身份证号码，或确认其已参加职工或居民医保',
    );
  });

  it('has a message for the unexpected', () => {
    expect(INTERNAL_ERROR_MESSAGE).toBe('系统繁忙，请稍后再试');
    expect(isErrorCode('INTERNAL')).toBe(false);
    expect(isErrorCode('NOT_FOUND')).toBe(true);
  });
});

describe('diagnosis texts', () => {
  it('lists the codes of SPEC 2.4 in order', () => {
    expect([...DIAGNOSIS_CODES]).toEqual([
      'NOT_INSURED',
      'FAMILY_ACCOUNT_ONLY',
      'NO_BINDING',
      'BALANCE_ZERO',
      'BALANCE_LOW',
      'OUT_OF_REGION',
      'BINDING_UNBOUND',
      'BINDING_PENDING',
      'SHARER_NOT_ELIGIBLE',
      'BINDING_DECLINED',
      'BINDING_EXPIRED',
      'QUOTA_SPENT',
      'OK',
    ]);
  });

  it.each([...DIAGNOSIS_CODES])('explains %s and says what to do', (code) => {
    expect(DIAGNOSIS_TEXT[code].message).toMatch(CHINESE);
    expect(DIAGNOSIS_TEXT[code].action).toMatch(CHINESE);
    expect(diagnosisFinding(code)).toEqual({ code, ...DIAGNOSIS_TEXT[code] });
    expect(isDiagnosisCode(code)).toBe(true);
  });

  it('explains that a family account spends the relative’s own entitlement and offers mutual aid', () => {
    const { message, action } = DIAGNOSIS_TEXT.FAMILY_ACCOUNT_ONLY;
    expect(message).toContain('亲情账户');
    expect(message).toContain('医保码');
    expect(message).toContain('亲属自己');
    expect(action).toContain('家庭共济');
  });

  it('says that balances are never combined', () => {
    expect(DIAGNOSIS_TEXT.BALANCE_LOW.message).toContain('不会把多个账户的余额合并');
  });
});
