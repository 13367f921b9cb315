import {
  ID_NUMBER_ERROR_MESSAGES,
  idCheckChar,
  parseIdNumber,
  type IdNumberErrorReason,
  type IdNumberInfo,
} from '@/rules/idNumber';

export type IdInputCheck =
  /** Nothing typed yet. */
  | { state: 'empty' }
  /** A correct beginning: `typed` of 18 characters. */
  | { state: 'typing'; typed: number }
  | { state: 'invalid'; reason: IdNumberErrorReason; message: string }
  | { state: 'valid'; info: IdNumberInfo };

/**
 * A valid continuation used to check a beginning with the rules module: region 110000, born
 * 2000-01-01, sequence 001. Only the parts the user has typed completely are judged.
 */
const FILLER = '11000020000101001';

/**
 * Instant checking of an ID number while it is typed. A complete number gets the full answer
 * of `parseIdNumber` (SPEC 2.1 check 3); a beginning is judged only on what is already there:
 * the characters at once, the province once its digits are typed, the birth date once all
 * eight digits are typed; the length and the check character only at the end.
 */
export function checkIdInput(raw: string, today: string): IdInputCheck {
  const text = raw.replace(/^[\s\u3000]+|[\s\u3000]+$/g, '');
  if (text === '') return { state: 'empty' };
  if (text.length >= 18) {
    const result = parseIdNumber(text, today);
    return result.ok ? { state: 'valid', info: result.info } : { state: 'invalid', reason: result.reason, message: result.message };
  }
  const typed = text.length;
  const probe17 = (text + FILLER.slice(typed)).slice(0, 17);
  if (!/^\d{17}$/.test(probe17) || /[xX]/.test(text)) {
    // Only digits before the 18th character (X is allowed only as the 18th).
    return { state: 'invalid', reason: 'CHARACTERS', message: ID_NUMBER_ERROR_MESSAGES.CHARACTERS };
  }
  const result = parseIdNumber(`${probe17}${idCheckChar(probe17)}`, today);
  if (!result.ok) {
    const provinceTyped = text.startsWith('9') ? typed >= 3 : typed >= 2;
    const judged =
      (result.reason === 'PROVINCE' && provinceTyped) ||
      ((result.reason === 'BIRTH_DATE' || result.reason === 'FUTURE_BIRTH_DATE') && typed >= 14);
    if (judged) return { state: 'invalid', reason: result.reason, message: result.message };
  }
  return { state: 'typing', typed };
}

