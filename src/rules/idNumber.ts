/**
 * The citizen identity number of GB 11643 (18 characters), including the
 * residence permits of Hong Kong, Macau and Taiwan residents (81/82/83) and the
 * foreigners' permanent residence ID card issued since December 2023
 * (9 + issuing province + 3-digit nationality + birth date + sequence + check).
 */
import { isValidDate } from './age';
import { HMT_PERMIT_PROVINCE_CODES, isMainlandProvinceCode, isProvinceCode } from './provinces';

/** ISO 7064 MOD 11-2 weights of the first 17 characters. */
export const ID_CHECK_WEIGHTS = Object.freeze([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const);

const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH_DATE = '1900-01-01';

/** The check character for 17 digits. Throws on anything else (a programming error). */
export function idCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('idCheckChar expects exactly 17 digits');
  let sum = 0;
  ID_CHECK_WEIGHTS.forEach((weight, i) => {
    sum += (first17.charCodeAt(i) - 48) * weight;
  });
  return CHECK_CHARS.charAt(sum % 11);
}

export type IdNumberErrorReason =
  | 'EMPTY'
  | 'LENGTH'
  | 'CHARACTERS'
  | 'PROVINCE'
  | 'BIRTH_DATE'
  | 'FUTURE_BIRTH_DATE'
  | 'CHECK_CHAR';

export type IdNumberKind = 'resident' | 'hmt_permit' | 'foreign_permanent';

export interface IdNumberInfo {
  /** Normalized: whitespace around removed, a lower-case x stored as X. */
  idNumber: string;
  /**
   * Six characters. For residents and HMT permits the first six characters of
   * the number; for foreigners' permanent residence cards the issuing
   * province followed by `0000` (characters 4–6 are a nationality code there).
   */
  divisionCode: string;
  provinceCode: string;
  kind: IdNumberKind;
  /** YYYY-MM-DD */
  birthDate: string;
  sex: 'male' | 'female';
}

export type IdNumberResult =
  | { ok: true; info: IdNumberInfo }
  | { ok: false; reason: IdNumberErrorReason; message: string };

/** What the user reads for each reason: what is wrong and what to do. */
export const ID_NUMBER_ERROR_MESSAGES: Readonly<Record<IdNumberErrorReason, string>> = Object.freeze({
  EMPTY: '请输入身份证号码',
  LENGTH: '身份证号码应为18位，请核对后重新输入',
  CHARACTERS: '身份证号码只能是数字，最后一位可以是字母X，请核对后重新输入',
  PROVINCE: '身份证号码开头的地区代码不存在，请核对前几位数字后重新输入',
  BIRTH_DATE: '身份证号码中的出生日期（第7至14位）不是有效日期，请核对后重新输入',
  FUTURE_BIRTH_DATE: '身份证号码中的出生日期（第7至14位）晚于今天，请核对后重新输入',
  CHECK_CHAR: '身份证号码校验位不正确，请核对最后一位，并逐位检查其余数字',
});

/**
 * Finds ID-number-shaped substrings in arbitrary text: 17 digits and a digit or
 * X/x, not adjacent to other digits. The number itself is the named group `id`;
 * the match may also include the one non-digit character before it (group
 * `before`), because look-behind is not available on every mini-program engine.
 * The flag `g` makes `.exec`/`.test` stateful: prefer `String.prototype.replace`
 * or `matchAll`, which do not leak `lastIndex`.
 */
export const ID_NUMBER_PATTERN = /(?<before>^|\D)(?<id>\d{17}[\dXx])(?!\d)/g;

/** Whitespace at both ends, including the full-width space U+3000. */
const normalize = (raw: string): string => raw.replace(/^[\s\u3000\uFEFF]+|[\s\u3000\uFEFF]+$/g, '').replace(/x$/, 'X');

const fail = (reason: IdNumberErrorReason): IdNumberResult => ({
  ok: false,
  reason,
  message: ID_NUMBER_ERROR_MESSAGES[reason],
});

/**
 * Checks an ID number (SPEC 2.1 check 3) in the order EMPTY, LENGTH, CHARACTERS,
 * PROVINCE, BIRTH_DATE, FUTURE_BIRTH_DATE, CHECK_CHAR; the first failure is the
 * answer. `today` is the Asia/Shanghai date (YYYY-MM-DD), injected to stay pure.
 * Birth dates before 1900-01-01 are refused as BIRTH_DATE.
 */
export function parseIdNumber(raw: unknown, today: string): IdNumberResult {
  if (!isValidDate(today)) throw new RangeError(`parseIdNumber expects today as YYYY-MM-DD, got ${String(today)}`);
  if (raw === null || raw === undefined) return fail('EMPTY');
  if (typeof raw !== 'string') return fail('CHARACTERS');

  const idNumber = normalize(raw);
  if (idNumber.length === 0) return fail('EMPTY');
  if (idNumber.length !== 18) return fail('LENGTH');
  if (!/^\d{17}[\dX]$/.test(idNumber)) return fail('CHARACTERS');

  let kind: IdNumberKind;
  let provinceCode: string;
  let divisionCode: string;
  if (idNumber.startsWith('9')) {
    provinceCode = idNumber.slice(1, 3);
    if (!isMainlandProvinceCode(provinceCode)) return fail('PROVINCE');
    kind = 'foreign_permanent';
    divisionCode = `${provinceCode}0000`;
  } else {
    provinceCode = idNumber.slice(0, 2);
    if (!isProvinceCode(provinceCode)) return fail('PROVINCE');
    kind = HMT_PERMIT_PROVINCE_CODES.includes(provinceCode) ? 'hmt_permit' : 'resident';
    divisionCode = idNumber.slice(0, 6);
  }

  const birthDate = `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
  if (!isValidDate(birthDate) || birthDate < EARLIEST_BIRTH_DATE) return fail('BIRTH_DATE');
  if (birthDate > today) return fail('FUTURE_BIRTH_DATE');

  if (idCheckChar(idNumber.slice(0, 17)) !== idNumber.charAt(17)) return fail('CHECK_CHAR');

  const sex = (idNumber.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return { ok: true, info: { idNumber, divisionCode, provinceCode, kind, birthDate, sex } };
}

/** Convenience: true when `parseIdNumber` accepts the value. */
export function isValidIdNumber(raw: unknown, today: string): boolean {
  return parseIdNumber(raw, today).ok;
}
