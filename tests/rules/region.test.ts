import { describe, expect, it } from 'vitest';
import { isPoolingRegionCode, provinceOfRegion, regionsConnected, type SharingScope } from '../../src/rules';

describe('isPoolingRegionCode', () => {
  it.each(['130100', '110000', '650102', '139900', '460100'])('accepts %s', (code) => {
    expect(isPoolingRegionCode(code)).toBe(true);
  });

  it.each([
    ['a province code alone', '13'],
    ['five digits', '13010'],
    ['seven digits', '1301000'],
    ['an unknown province', '990100'],
    ['province 00', '000000'],
    ['Hong Kong', '810000'],
    ['Taiwan', '710000'],
    ['letters', '13a100'],
    ['a number', 130100],
    ['null', null],
    ['spaces around', ' 130100'],
  ])('refuses %s', (_label, code) => {
    expect(isPoolingRegionCode(code)).toBe(false);
  });
});

describe('regionsConnected', () => {
  it('takes the province from the first two digits', () => {
    expect(provinceOfRegion('130100')).toBe('13');
  });

  it.each<[string, string, string, SharingScope, boolean]>([
    ['the same region', '130100', '130100', 'region', true],
    ['two regions of one province', '130100', '130200', 'region', false],
    ['two regions of one province', '130100', '130200', 'province', true],
    ['two provinces', '130100', '110000', 'province', false],
    ['two provinces', '130100', '650102', 'national', true],
    ['the same region', '130100', '130100', 'national', true],
  ])('%s (%s and %s) under the %s scope: connected = %s', (_label, a, b, scope, expected) => {
    expect(regionsConnected(a, b, scope)).toBe(expected);
    expect(regionsConnected(b, a, scope)).toBe(expected);
  });
});
