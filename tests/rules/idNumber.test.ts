import { describe, expect, it } from 'vitest';
import {
  ID_CHECK_WEIGHTS,
  ID_NUMBER_ERROR_MESSAGES,
  ID_NUMBER_PATTERN,
  idCheckChar,
  isValidIdNumber,
  parseIdNumber,
  type IdNumberErrorReason,
} from '../../src/rules';

const TODAY = '2025-06-15';

/**
 * An independent implementation of ISO 7064 MOD 11-2: the weight of position i
 * (0-based, of 17) is 2^(17 - i) mod 11, and the check value is (12 - sum mod 11) mod 11.
 */
function referenceCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    let weight = 1;
    for (let k = 0; k < 17 - i; k++) weight = (weight * 2) % 11;
    sum += Number(first17.charAt(i)) * weight;
  }
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

const withCheck = (first17: string): string => first17 + referenceCheckChar(first17);

/** A number with a correct check char whose last character is replaced by another one. */
function withWrongCheck(first17: string): string {
  const right = referenceCheckChar(first17);
  return first17 + (right === '0' ? '1' : '0');
}

describe('idCheckChar', () => {
  it('uses the weights of GB 11643', () => {
    expect([...ID_CHECK_WEIGHTS]).toEqual([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]);
  });

  it('gives X for the SPEC example', () => {
    expect(idCheckChar('11010519491231002')).toBe('X');
  });

  it('agrees with an independent implementation on many numbers', () => {
    let seed = 12345;
    for (let n = 0; n < 2000; n++) {
      let first17 = '';
      for (let i = 0; i < 17; i++) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        first17 += String(seed % 10);
      }
      expect(idCheckChar(first17)).toBe(referenceCheckChar(first17));
    }
  });

  it('refuses anything but 17 digits', () => {
    expect(() => idCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => idCheckChar('1101051949123100a')).toThrow(RangeError);
  });
});

describe('parseIdNumber accepts valid numbers', () => {
  // Hard-coded numbers whose check chars were verified by hand / separately.
  it.each([
    ['11010519491231002X', 'resident', '110105', '11', '1949-12-31', 'female'],
    ['440304200002291236', 'resident', '440304', '44', '2000-02-29', 'male'],
    ['810000199001010019', 'hmt_permit', '810000', '81', '1990-01-01', 'male'],
    ['820000200103150028', 'hmt_permit', '820000', '82', '2001-03-15', 'female'],
    ['830000198511200030', 'hmt_permit', '830000', '83', '1985-11-20', 'male'],
    ['710000198001010010', 'resident', '710000', '71', '1980-01-01', 'male'],
    ['911116200101010012', 'foreign_permanent', '110000', '11', '2001-01-01', 'male'],
    ['921066198512310028', 'foreign_permanent', '210000', '21', '1985-12-31', 'female'],
    ['650102202412310043', 'resident', '650102', '65', '2024-12-31', 'female'],
    ['130102190001010057', 'resident', '130102', '13', '1900-01-01', 'male'],
    ['310115198607123453', 'resident', '310115', '31', '1986-07-12', 'male'],
  ] as const)('accepts %s as a %s number', (idNumber, kind, divisionCode, provinceCode, birthDate, sex) => {
    expect(parseIdNumber(idNumber, TODAY)).toEqual({
      ok: true,
      info: { idNumber, kind, divisionCode, provinceCode, birthDate, sex },
    });
  });

  it.each([
    ['a computed resident number', withCheck('51010719780615031')],
    ['a computed Macau permit', withCheck('82000019660707002')],
    ['a foreign card issued in Gansu', withCheck('96215619950506001')],
    ['a number of someone born today', withCheck('33010620250615001')],
    ['a Feb 29 birth date in 2000 (divisible by 400)', withCheck('42010320000229001')],
    ['a Feb 29 birth date in 2024', withCheck('42010320240229001')],
  ])('accepts %s', (_label, idNumber) => {
    expect(isValidIdNumber(idNumber, TODAY)).toBe(true);
  });

  it('accepts a lower-case x and stores X', () => {
    const result = parseIdNumber('11010519491231002x', TODAY);
    expect(result.ok && result.info.idNumber).toBe('11010519491231002X');
  });

  it.each([
    ['spaces', '  11010519491231002X  '],
    ['a tab and a newline', '\t11010519491231002X\n'],
    ['full-width spaces', '\u300011010519491231002x\u3000'],
  ])('ignores %s around the number', (_label, raw) => {
    const result = parseIdNumber(raw, TODAY);
    expect(result.ok && result.info.idNumber).toBe('11010519491231002X');
  });

  it('tells the sex from the parity of the 17th digit', () => {
    const male = parseIdNumber(withCheck('11010519800101001'), TODAY);
    const female = parseIdNumber(withCheck('11010519800101002'), TODAY);
    expect(male.ok && male.info.sex).toBe('male');
    expect(female.ok && female.info.sex).toBe('female');
  });
});

describe('parseIdNumber refuses invalid numbers', () => {
  it.each<[string, unknown, IdNumberErrorReason]>([
    ['undefined', undefined, 'EMPTY'],
    ['null', null, 'EMPTY'],
    ['an empty string', '', 'EMPTY'],
    ['only spaces', ' \u3000 ', 'EMPTY'],
    ['a number', 110105194912310020, 'CHARACTERS'],
    ['an object', { idNumber: '11010519491231002X' }, 'CHARACTERS'],
    ['an array', ['11010519491231002X'], 'CHARACTERS'],
    ['17 characters', '11010519491231002', 'LENGTH'],
    ['19 characters', '11010519491231002X1', 'LENGTH'],
    ['a space inside', '110105 19491231002X', 'LENGTH'],
    ['a 15-digit first-generation number', '110105491231002', 'LENGTH'],
    ['a letter inside', '1101051949A231002X', 'CHARACTERS'],
    ['an X that is not last', 'X1010519491231002X', 'CHARACTERS'],
    ['a letter other than X last', '11010519491231002Y', 'CHARACTERS'],
    ['full-width digits', '１１０１０５１９４９１２３１００２Ｘ', 'CHARACTERS'],
    ['a minus sign', '-1010519491231002X', 'CHARACTERS'],
    ['province 00', withCheck('00010519491231002'), 'PROVINCE'],
    ['province 99', withCheck('99010519491231002'), 'PROVINCE'],
    ['province 20', withCheck('20010519491231002'), 'PROVINCE'],
    ['province 10', withCheck('10010519491231002'), 'PROVINCE'],
    ['province 66', withCheck('66010519491231002'), 'PROVINCE'],
    ['province 84', withCheck('84000019491231002'), 'PROVINCE'],
    ['a foreign card with province 00', withCheck('90011619491231002'), 'PROVINCE'],
    ['a foreign card with province 81', withCheck('98111619491231002'), 'PROVINCE'],
    ['a foreign card with province 71', withCheck('97111619491231002'), 'PROVINCE'],
    ['a foreign card with province 99', withCheck('99911619491231002'), 'PROVINCE'],
    ['Feb 29 in a non-leap year', withCheck('11010520230229002'), 'BIRTH_DATE'],
    ['Feb 29 in 1900 (not a leap year)', withCheck('11010519000229002'), 'BIRTH_DATE'],
    ['Feb 30', withCheck('11010520000230002'), 'BIRTH_DATE'],
    ['April 31', withCheck('11010519800431002'), 'BIRTH_DATE'],
    ['month 13', withCheck('11010519801301002'), 'BIRTH_DATE'],
    ['month 00', withCheck('11010519800001002'), 'BIRTH_DATE'],
    ['day 00', withCheck('11010519800100002'), 'BIRTH_DATE'],
    ['day 32', withCheck('11010519800132002'), 'BIRTH_DATE'],
    ['a birth date before 1900', withCheck('11010518991231002'), 'BIRTH_DATE'],
    ['a foreign card with an impossible date', withCheck('91111619801301002'), 'BIRTH_DATE'],
    ['a birth date tomorrow', withCheck('11010520250616002'), 'FUTURE_BIRTH_DATE'],
    ['a birth date in a future year', withCheck('11010520300101002'), 'FUTURE_BIRTH_DATE'],
    ['a wrong check digit', '110105194912310021', 'CHECK_CHAR'],
    ['a wrong check X', '11010519491231001X', 'CHECK_CHAR'],
    ['a computed wrong check char', withWrongCheck('44030420000229123'), 'CHECK_CHAR'],
    ['a foreign card with a wrong check char', withWrongCheck('91111620010101001'), 'CHECK_CHAR'],
    ['a permit with a wrong check char', withWrongCheck('81000019900101001'), 'CHECK_CHAR'],
  ])('rejects %s', (_label, raw, reason) => {
    expect(parseIdNumber(raw, TODAY)).toEqual({ ok: false, reason, message: ID_NUMBER_ERROR_MESSAGES[reason] });
  });

  it.each<[string, string, IdNumberErrorReason]>([
    ['length before characters', '1101051949A231002X99', 'LENGTH'],
    ['characters before province', '0001051949A231002X', 'CHARACTERS'],
    ['province before birth date', withCheck('00010520231301002'), 'PROVINCE'],
    ['birth date before check char', withWrongCheck('11010520230229002'), 'BIRTH_DATE'],
    ['future date before check char', withWrongCheck('11010520300101002'), 'FUTURE_BIRTH_DATE'],
  ])('checks %s', (_label, raw, reason) => {
    const result = parseIdNumber(raw, TODAY);
    expect(result.ok ? 'ok' : result.reason).toBe(reason);
  });

  it('catches every single mistyped digit', () => {
    const valid = '440304200002291236';
    for (let i = 0; i < 18; i++) {
      for (const digit of '0123456789X') {
        if (digit === valid.charAt(i) || (digit === 'X' && i < 17)) continue;
        const typo = valid.slice(0, i) + digit + valid.slice(i + 1);
        expect(isValidIdNumber(typo, TODAY), typo).toBe(false);
      }
    }
  });

  it('gives every reason a Chinese message that says what to do', () => {
    for (const message of Object.values(ID_NUMBER_ERROR_MESSAGES)) {
      expect(message).toMatch(/[\u4e00-\u9fff]/);
      expect(message).toMatch(/请/);
    }
    expect(ID_NUMBER_ERROR_MESSAGES.LENGTH).toBe('身份证号码应为18位，请核对后重新输入');
  });

  it('refuses an invalid today, a programming error', () => {
    expect(() => parseIdNumber('11010519491231002X', '2025-6-15')).toThrow(RangeError);
  });
});

describe('ID_NUMBER_PATTERN', () => {
  const find = (text: string): string[] => [...text.matchAll(ID_NUMBER_PATTERN)].map((m) => m.groups?.id ?? '');

  it('finds ID-number-shaped substrings in text', () => {
    expect(find('idNumber=11010519491231002X, other:440304200002291236.')).toEqual([
      '11010519491231002X',
      '440304200002291236',
    ]);
  });

  it('finds a number at the start, at the end and with a lower-case x', () => {
    expect(find('11010519491231002x')).toEqual(['11010519491231002x']);
    expect(find('身份证11010519491231002X')).toEqual(['11010519491231002X']);
  });

  it('finds two numbers separated by a single character', () => {
    expect(find('11010519491231002X,440304200002291236')).toEqual(['11010519491231002X', '440304200002291236']);
  });

  it('ignores digit runs that are longer or shorter than 18', () => {
    expect(find('1101051949123100212 and 11010519491231002 and 0110105194912310021')).toEqual([]);
  });
});
