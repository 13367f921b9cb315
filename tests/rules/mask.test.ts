import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, scrubIdNumbers } from '../../src/rules';

describe('maskIdNumber', () => {
  it('keeps the first 4 and last 4 characters of an 18-character number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('1101**********002X');
  });

  it.each([
    ['a 15-digit number', '110105491231002', '1101*******1002'],
    ['a 19-character string', '11010519491231002X1', '1101***********02X1'],
    ['a 14-character string', '11010519491231', '1************1'],
    ['a short string', '1234', '1**4'],
    ['three characters', '123', '1*3'],
    ['two characters', '12', '**'],
    ['one character', '1', '*'],
    ['nothing', '', ''],
  ])('masks %s without revealing more than 8 characters', (_label, input, expected) => {
    const masked = maskIdNumber(input);
    expect(masked).toBe(expected);
    expect(masked.length).toBe(input.length);
    expect(masked.replace(/\*/g, '').length).toBeLessThanOrEqual(8);
  });

  it('reveals at most 8 characters whatever the length', () => {
    for (let n = 0; n <= 40; n++) {
      const masked = maskIdNumber('7'.repeat(n));
      const revealed = masked.replace(/\*/g, '').length;
      expect(revealed).toBeLessThanOrEqual(8);
      expect(revealed).toBeLessThan(Math.max(n, 1));
      expect(masked.length).toBe(n);
    }
  });
});

describe('maskName', () => {
  it.each([
    ['张三', '张*'],
    ['欧阳娜娜', '欧***'],
    ['欧阳修', '欧**'],
    ['阿卜杜拉·买买提', '阿*******'],
    ['  李四 ', '李*'],
    ['𠮷野家', '𠮷**'],
  ])('masks %s as %s', (name, expected) => {
    expect(maskName(name)).toBe(expected);
  });

  it('keeps the first character of a one-character name and adds one asterisk', () => {
    expect(maskName('李')).toBe('李*');
  });

  it('masks an empty name as nothing', () => {
    expect(maskName('')).toBe('');
  });
});

describe('maskPhone', () => {
  it.each([
    ['13800138000', '138****8000'],
    [' 13800138000 ', '138****8000'],
    ['008613800138000', '008********8000'],
    ['12345', '1***5'],
    ['12', '**'],
  ])('masks %s as %s', (phone, expected) => {
    expect(maskPhone(phone)).toBe(expected);
  });
});

describe('scrubIdNumbers', () => {
  it('masks every ID number in a log line', () => {
    expect(scrubIdNumbers('bind 11010519491231002X -> 440304200002291236 failed')).toBe(
      'bind 1101**********002X -> 4403**********1236 failed',
    );
  });

  it('masks ID numbers inside JSON and next to Chinese text', () => {
    expect(scrubIdNumbers('{"idNumber":"11010519491231002x"}')).toBe('{"idNumber":"1101**********002x"}');
    expect(scrubIdNumbers('身份证440304200002291236已绑定')).toBe('身份证4403**********1236已绑定');
  });

  it('masks adjacent numbers separated by one character', () => {
    expect(scrubIdNumbers('11010519491231002X,440304200002291236')).toBe('1101**********002X,4403**********1236');
  });

  it('leaves other digit runs alone', () => {
    const text = 'order 1101051949123100212, amount 12345, phone 13800138000';
    expect(scrubIdNumbers(text)).toBe(text);
  });

  it('gives the same answer when called repeatedly', () => {
    const line = 'x 11010519491231002X';
    expect(scrubIdNumbers(line)).toBe(scrubIdNumbers(line));
  });
});
