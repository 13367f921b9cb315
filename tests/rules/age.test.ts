import { describe, expect, it } from 'vitest';
import { ageOn, daysInMonth, isLeapYear, isValidDate, shanghaiMonth, shanghaiToday } from '../../src/rules';

describe('isValidDate', () => {
  it.each(['2024-02-29', '2000-02-29', '1900-01-01', '2023-12-31', '2025-04-30'])('accepts %s', (s) => {
    expect(isValidDate(s)).toBe(true);
  });

  it.each([
    '2023-02-29',
    '1900-02-29',
    '2100-02-29',
    '2024-02-30',
    '2024-04-31',
    '2024-13-01',
    '2024-00-10',
    '2024-01-00',
    '2024-1-01',
    '24-01-01',
    '2024/01/01',
    ' 2024-01-01',
    '2024-01-01T00:00:00Z',
    '',
  ])('rejects %j', (s) => {
    expect(isValidDate(s)).toBe(false);
  });

  it('rejects what is not a string', () => {
    expect(isValidDate(20240101)).toBe(false);
    expect(isValidDate(null)).toBe(false);
  });

  it('knows the leap-year rule of the Gregorian calendar', () => {
    expect([1900, 2000, 2023, 2024, 2100].map(isLeapYear)).toEqual([false, true, false, true, false]);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2024, 2)).toBe(29);
  });
});

describe('ageOn', () => {
  it.each([
    ['1980-06-15', '2025-06-14', 44],
    ['1980-06-15', '2025-06-15', 45],
    ['1980-06-15', '2025-12-31', 45],
    ['2009-06-15', '2025-06-15', 16],
    ['2009-06-16', '2025-06-15', 15],
    ['2025-06-15', '2025-06-15', 0],
    ['1949-12-31', '1950-01-01', 0],
    ['1949-12-31', '1950-12-31', 1],
  ])('someone born %s is %s on %s', (birth, on, age) => {
    expect(ageOn(birth, on)).toBe(age);
  });

  it('counts a Feb 29 birthday as Mar 1 in a non-leap year', () => {
    expect(ageOn('2008-02-29', '2025-02-28')).toBe(16);
    expect(ageOn('2008-02-29', '2025-03-01')).toBe(17);
  });

  it('counts a Feb 29 birthday on Feb 29 in a leap year', () => {
    expect(ageOn('2008-02-29', '2024-02-28')).toBe(15);
    expect(ageOn('2008-02-29', '2024-02-29')).toBe(16);
  });

  it('counts a Feb 28 birthday on Feb 28 in any year', () => {
    expect(ageOn('2007-02-28', '2024-02-28')).toBe(17);
    expect(ageOn('2007-02-28', '2025-02-28')).toBe(18);
  });

  it('is negative before the birth date', () => {
    expect(ageOn('2025-06-15', '2025-06-14')).toBe(-1);
  });

  it('refuses invalid dates', () => {
    expect(() => ageOn('2023-02-29', '2025-01-01')).toThrow(RangeError);
    expect(() => ageOn('2000-01-01', 'today')).toThrow(RangeError);
  });
});

describe('shanghaiToday', () => {
  it.each([
    ['2025-06-14T15:59:59.999Z', '2025-06-14'],
    ['2025-06-14T16:00:00.000Z', '2025-06-15'],
    ['2025-06-14T23:59:59.999Z', '2025-06-15'],
    ['2025-06-15T00:00:00.000Z', '2025-06-15'],
    ['2024-12-31T16:00:00.000Z', '2025-01-01'],
    ['2024-12-31T15:59:59.999Z', '2024-12-31'],
    ['2024-02-28T16:00:00.000Z', '2024-02-29'],
    ['2023-02-28T16:00:00.000Z', '2023-03-01'],
    ['2025-06-15T08:00:00+08:00', '2025-06-15'],
  ])('at %s it is %s in Shanghai', (instant, date) => {
    expect(shanghaiToday(new Date(instant))).toBe(date);
  });

  it('refuses an invalid Date', () => {
    expect(() => shanghaiToday(new Date('nonsense'))).toThrow(RangeError);
  });
});

describe('shanghaiMonth', () => {
  it('turns the month at 16:00 UTC on the last day of the month', () => {
    expect(shanghaiMonth(new Date('2025-01-31T15:59:59Z'))).toBe('2025-01');
    expect(shanghaiMonth(new Date('2025-01-31T16:00:00Z'))).toBe('2025-02');
    expect(shanghaiMonth(new Date('2024-12-31T16:00:00Z'))).toBe('2025-01');
  });
});
