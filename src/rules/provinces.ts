/**
 * Province-level division codes of GB/T 2260 (the first two digits of every
 * six-digit division code).
 *
 * - The 31 mainland provinces, autonomous regions and municipalities: the only
 *   places with basic medical insurance, hence the only possible pooling regions
 *   and policy scopes.
 * - 71 台湾 exists in GB/T 2260.
 * - 81/82/83 are the address codes (810000/820000/830000) that GB 11643 assigns
 *   to the residence permits of Hong Kong, Macau and Taiwan residents.
 */
export const MAINLAND_PROVINCES: Readonly<Record<string, string>> = Object.freeze({
  '11': '北京',
  '12': '天津',
  '13': '河北',
  '14': '山西',
  '15': '内蒙古',
  '21': '辽宁',
  '22': '吉林',
  '23': '黑龙江',
  '31': '上海',
  '32': '江苏',
  '33': '浙江',
  '34': '安徽',
  '35': '福建',
  '36': '江西',
  '37': '山东',
  '41': '河南',
  '42': '湖北',
  '43': '湖南',
  '44': '广东',
  '45': '广西',
  '46': '海南',
  '50': '重庆',
  '51': '四川',
  '52': '贵州',
  '53': '云南',
  '54': '西藏',
  '61': '陕西',
  '62': '甘肃',
  '63': '青海',
  '64': '宁夏',
  '65': '新疆',
});

/** Every province-level code that may start an ID number's division code. */
export const PROVINCES: Readonly<Record<string, string>> = Object.freeze({
  ...MAINLAND_PROVINCES,
  '71': '台湾',
  '81': '香港',
  '82': '澳门',
  '83': '台湾',
});

/** Codes of the residence permits for Hong Kong, Macau and Taiwan residents. */
export const HMT_PERMIT_PROVINCE_CODES: readonly string[] = Object.freeze(['81', '82', '83']);

const hasOwn = (record: Readonly<Record<string, string>>, key: string): boolean =>
  Object.prototype.hasOwnProperty.call(record, key);

/** True for any two-character code in PROVINCES (mainland, 71, 81, 82, 83). */
export function isProvinceCode(code: string): boolean {
  return typeof code === 'string' && /^\d{2}$/.test(code) && hasOwn(PROVINCES, code);
}

/** True only for the 31 mainland province codes. */
export function isMainlandProvinceCode(code: string): boolean {
  return typeof code === 'string' && /^\d{2}$/.test(code) && hasOwn(MAINLAND_PROVINCES, code);
}

/** The Chinese name of a province code, or undefined when the code is unknown. */
export function provinceName(code: string): string | undefined {
  return isProvinceCode(code) ? PROVINCES[code] : undefined;
}
