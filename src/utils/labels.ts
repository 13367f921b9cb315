import { provinceName } from '@/rules/provinces';
import type { InsuranceType, PersonStatus, RecordKind } from '@/services/cloud/types';

export const INSURANCE_TYPE_LABELS: Readonly<Record<InsuranceType, string>> = {
  employee: '职工医保',
  resident: '居民医保',
  none: '未参保',
};

export const PERSON_STATUS_LABELS: Readonly<Record<PersonStatus, string>> = {
  active: '参保正常',
  suspended: '暂停参保',
  terminated: '终止参保',
};

export const RECORD_KIND_LABELS: Readonly<Record<RecordKind, string>> = {
  outpatient: '门诊',
  inpatient: '住院',
  pharmacy: '药店购药',
};

/** A few pooling regions by name (the demo's); others show their province and code. */
const REGION_NAMES: Readonly<Record<string, string>> = {
  '110100': '北京市',
  '130100': '石家庄市',
  '130200': '唐山市',
  '130300': '秦皇岛市',
};

/** `130100` → `河北 石家庄市（130100）`. */
export function regionLabel(code: string): string {
  const province = provinceName(code.slice(0, 2)) ?? '';
  const city = REGION_NAMES[code];
  if (city && province && !city.startsWith(province)) return `${province} ${city}（${code}）`;
  if (city) return `${city}（${code}）`;
  return province ? `${province}（${code}）` : code;
}
