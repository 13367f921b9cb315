import { regionName } from '@/rules/regionNames';
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
  premium: '代缴居民医保',
};

/** `130100` → `河北省石家庄市`: a name, never the code (the table lives in src/rules/regionNames.ts). */
export function regionLabel(code: string): string {
  return regionName(code);
}
