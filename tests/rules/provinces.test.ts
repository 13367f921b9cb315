import { describe, expect, it } from 'vitest';
import { MAINLAND_PROVINCES, PROVINCES, isMainlandProvinceCode, isProvinceCode, provinceName } from '../../src/rules';

describe('provinces', () => {
  it('lists the 31 mainland provinces and 71, 81, 82, 83', () => {
    expect(Object.keys(MAINLAND_PROVINCES)).toHaveLength(31);
    expect(Object.keys(PROVINCES)).toHaveLength(35);
    expect(Object.keys(PROVINCES).filter((c) => !(c in MAINLAND_PROVINCES)).sort()).toEqual(['71', '81', '82', '83']);
  });

  it.each([
    ['11', '北京'],
    ['13', '河北'],
    ['44', '广东'],
    ['50', '重庆'],
    ['62', '甘肃'],
    ['65', '新疆'],
    ['71', '台湾'],
    ['81', '香港'],
    ['82', '澳门'],
    ['83', '台湾'],
  ])('names %s %s', (code, name) => {
    expect(provinceName(code)).toBe(name);
    expect(isProvinceCode(code)).toBe(true);
  });

  it.each(['00', '10', '16', '20', '40', '47', '55', '60', '66', '70', '80', '84', '90', '99', '1', '110', 'ab', ''])(
    'does not know %j',
    (code) => {
      expect(isProvinceCode(code)).toBe(false);
      expect(provinceName(code)).toBeUndefined();
    },
  );

  it('does not treat inherited object properties as provinces', () => {
    expect(isProvinceCode('constructor')).toBe(false);
    expect(provinceName('__proto__')).toBeUndefined();
  });

  it('counts 71, 81, 82 and 83 outside the mainland', () => {
    expect(['71', '81', '82', '83'].some(isMainlandProvinceCode)).toBe(false);
    expect(isMainlandProvinceCode('13')).toBe(true);
  });
});
