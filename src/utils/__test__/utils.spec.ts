import { describe, expect, it } from 'vitest';
import { checkIdInput } from '../idInput';
import { formatCountdown, formatDateTime, formatDay, formatMonth, monthRange, recentMonths, secondsUntil } from '../date';
import { placeError } from '../formErrors';
import { regionLabel } from '../labels';

describe('dates in zh-cn, Asia/Shanghai', () => {
  it('formats instants in Shanghai time', () => {
    expect(formatDateTime('2026-12-31T16:05:00Z')).toBe('2027年1月1日 00:05');
    expect(formatDay('2026-03-15T02:00:00Z')).toBe('2026年3月15日');
    expect(formatMonth('2026-03')).toBe('2026年3月');
  });

  it('gives the first and last day of a month, leap years included', () => {
    expect(monthRange('2024-02')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
    expect(monthRange('2026-11')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it("lists recent months in Shanghai, across the year's end", () => {
    // 17:00 UTC on 31 December is already January in Shanghai.
    expect(recentMonths(new Date('2025-12-31T17:00:00Z'), 3)).toEqual(['2026-01', '2025-12', '2025-11']);
  });

  it('counts down in minutes and seconds', () => {
    expect(secondsUntil('2026-03-15T02:03:00Z', Date.parse('2026-03-15T02:00:00Z'))).toBe(180);
    expect(secondsUntil('2026-03-15T02:03:00Z', Date.parse('2026-03-15T02:04:00Z'))).toBe(0);
    expect(formatCountdown(125)).toBe('02:05');
  });
});

describe('where a server error shows', () => {
  const FIELDS = ['name', 'idNumber'] as const;
  it("uses the envelope's field", () => {
    expect(placeError({ code: 'INVALID_ID_NUMBER', message: 'm', field: 'idNumber' }, FIELDS)).toEqual({ fields: { idNumber: 'm' }, banner: null });
  });
  it("falls back to the form's choice for the code", () => {
    expect(placeError({ code: 'ALREADY_BOUND', message: 'm' }, FIELDS, { ALREADY_BOUND: 'idNumber' })).toEqual({ fields: { idNumber: 'm' }, banner: null });
  });
  it('puts the rest in the banner, including a field the form does not have', () => {
    expect(placeError({ code: 'RATE_LIMITED', message: 'm' }, FIELDS)).toEqual({ fields: {}, banner: 'm' });
    expect(placeError({ code: 'INVALID_INPUT', message: 'm', field: 'event' }, FIELDS)).toEqual({ fields: {}, banner: 'm' });
  });
});

describe('ID number checking while typing', () => {
  const TODAY = '2026-03-15';
  it('judges only what is typed', () => {
    expect(checkIdInput('', TODAY)).toEqual({ state: 'empty' });
    expect(checkIdInput('1', TODAY)).toEqual({ state: 'typing', typed: 1 });
    expect(checkIdInput('1301001958113', TODAY)).toEqual({ state: 'typing', typed: 13 });
    expect(checkIdInput('13010019581131', TODAY)).toMatchObject({ state: 'invalid', reason: 'BIRTH_DATE' });
    expect(checkIdInput('71', TODAY)).toEqual({ state: 'typing', typed: 2 });
    expect(checkIdInput('1101051949123100X', TODAY)).toMatchObject({ state: 'invalid', reason: 'CHARACTERS' });
    expect(checkIdInput('1101051949123100211', TODAY)).toMatchObject({ state: 'invalid', reason: 'LENGTH' });
    expect(checkIdInput(' 11010519491231002x ', TODAY)).toMatchObject({ state: 'valid', info: { idNumber: '11010519491231002X' } });
  });
});

describe('region labels', () => {
  it('names the demo regions and falls back to the province', () => {
    expect(regionLabel('130100')).toBe('河北省石家庄市');
    expect(regionLabel('110100')).toBe('北京市');
    expect(regionLabel('440300')).toBe('广东省深圳市');
    expect(regionLabel('440900')).toBe('广东省的统筹区');
    expect(regionLabel('990100')).not.toMatch(/\d/);
  });
});
