/**
 * Region policy (SPEC 2.6): one optional override per province (two digits)
 * and one per pooling region (six digits) on top of the defaults.
 *
 * Whose policy applies: always the **sharer's** (the caller's) pooling region —
 * for the relationships allowed, the sharing scope, the maximum number of
 * relatives, partial payment and confirmation. The relative's region only
 * enters through `sharingAllowed`.
 */
import { ageOn } from './age';
import { isMainlandProvinceCode } from './provinces';
import { isPoolingRegionCode, provinceOfRegion, regionsConnected, type SharingScope } from './region';
import { isRelationshipInScope, type Relationship, type RelativeScope } from './relationship';

export interface Policy {
  relativeScope: RelativeScope;
  sharingScope: SharingScope;
  /** 1–20 active bindings per sharer. */
  maxRelatives: number;
  /** The chosen sharer may pay the part of a bill it can cover. */
  allowPartial: boolean;
  /** Relatives this old or older must confirm the binding; null: no confirmation. */
  consentFromAge: number | null;
}

/** The situation at the end of 2024 (SPEC 2.6). */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  relativeScope: 'near',
  sharingScope: 'province',
  maxRelatives: 8,
  allowPartial: false,
  consentFromAge: 16,
});

export const POLICY_LIMITS = Object.freeze({
  maxRelatives: Object.freeze({ min: 1, max: 20 }),
  consentFromAge: Object.freeze({ min: 0, max: 150 }),
} as const);

/**
 * The 代缴 settings of a region (SPEC 2.6, 2.12). They are resolved apart from `Policy`
 * (whose five settings are the sharer's region's, for binding and settlement): the premium
 * period and amount are those of the **relative's** region, where the premium is owed.
 */
export interface PremiumPolicy {
  /** `MM-DD..MM-DD`: the days of the year in which next year's resident premium is paid (2.12). */
  premiumWindow: string;
  /** The resident premium of a year for one person, in fen. */
  residentPremiumFen: number;
}

export const DEFAULT_PREMIUM_POLICY: Readonly<PremiumPolicy> = Object.freeze({
  premiumWindow: '09-01..12-31',
  residentPremiumFen: 40000,
});

export const PREMIUM_LIMITS = Object.freeze({ residentPremiumFen: Object.freeze({ min: 1, max: 100_000_000 }) } as const);

/**
 * A stored override: an absent or undefined field inherits. `consentFromAge:
 * null` set explicitly means "no confirmation" and does override.
 */
export type PolicyOverride = Partial<Policy> & Partial<PremiumPolicy>;

/** The premium settings in force for a region: default ← province override ← region override. */
export function resolvePremiumPolicy(overrides: { province?: PolicyOverride | null; region?: PolicyOverride | null }): PremiumPolicy {
  const next: PremiumPolicy = { ...DEFAULT_PREMIUM_POLICY };
  for (const override of [overrides.province, overrides.region]) {
    if (!override) continue;
    if (typeof override.premiumWindow === 'string' && isPremiumWindow(override.premiumWindow)) next.premiumWindow = override.premiumWindow;
    if (typeof override.residentPremiumFen === 'number' && Number.isSafeInteger(override.residentPremiumFen) && override.residentPremiumFen > 0) {
      next.residentPremiumFen = override.residentPremiumFen;
    }
  }
  return next;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isMonthDay(v: string): boolean {
  const match = /^([0-9]{2})-([0-9]{2})$/.exec(v);
  if (!match) return false;
  const month = Number(match[1]);
  const day = Number(match[2]);
  // 02-29 is refused: a period must exist every year.
  return month >= 1 && month <= 12 && day >= 1 && day <= DAYS_IN_MONTH[month - 1]!;
}

/**
 * A premium period `MM-DD..MM-DD` of real days (not 02-29). A start after the end is a period
 * across the new year (`10-01..02-28`: from October to the end of February).
 */
export function isPremiumWindow(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const parts = v.split('..');
  return parts.length === 2 && isMonthDay(parts[0]!) && isMonthDay(parts[1]!);
}

/**
 * The premium year that may be paid on `today` (Asia/Shanghai, `YYYY-MM-DD`), or null outside
 * the period. The premium of year Y is collected in the period that opens in Y − 1 (the
 * 集中征缴期 of the provinces: September to December for the next year); a period across the
 * new year collects, in its January–February part, the year that has just begun.
 */
export function premiumYearOn(period: string, today: string): number | null {
  const [start, end] = period.split('..') as [string, string];
  const year = Number(today.slice(0, 4));
  const day = today.slice(5, 10);
  if (start <= end) return day >= start && day <= end ? year + 1 : null;
  if (day >= start) return year + 1;
  if (day <= end) return year;
  return null;
}

/**
 * What a sharer may be offered on `today`: the premium year whose period is open, or else the
 * year of the next period to open, and whether it is open now.
 */
export function premiumOffer(period: string, today: string): { year: number; open: boolean } {
  const open = premiumYearOn(period, today);
  if (open !== null) return { year: open, open: true };
  const [start] = period.split('..') as [string, string];
  const year = Number(today.slice(0, 4));
  // Outside the period: the next one opens at `start` this year, or next year once it has passed.
  return { year: today.slice(5, 10) < start ? year + 1 : year + 2, open: false };
}

/** The first and last day on which the premium of `year` may be paid under `period`. */
export function premiumWindowOf(period: string, year: number): { from: string; to: string } {
  const [start, end] = period.split('..') as [string, string];
  return { from: `${year - 1}-${start}`, to: `${start <= end ? year - 1 : year}-${end}` };
}

const POLICY_KEYS = ['relativeScope', 'sharingScope', 'maxRelatives', 'allowPartial', 'consentFromAge'] as const;

function applyOverride(base: Policy, override: PolicyOverride | null | undefined): Policy {
  if (!override) return base;
  const next: Policy = { ...base };
  for (const key of POLICY_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(override, key)) continue;
    const value = override[key];
    if (value === undefined) continue;
    // Only consentFromAge may be null; a null anywhere else is treated as "inherit".
    if (value === null && key !== 'consentFromAge') continue;
    (next as Record<(typeof POLICY_KEYS)[number], unknown>)[key] = value;
  }
  return next;
}

/**
 * The policy in force for a pooling region: default ← province override ←
 * region override. `overrides.province` must be the row of
 * `provinceOfRegion(regionCode)` and `overrides.region` the row of `regionCode`;
 * fields other than the five policy settings are ignored.
 */
export function resolvePolicy(
  regionCode: string,
  overrides: { province?: PolicyOverride | null; region?: PolicyOverride | null },
): Policy {
  void regionCode; // documents which region the overrides belong to
  return applyOverride(applyOverride({ ...DEFAULT_POLICY }, overrides.province), overrides.region);
}

/** A scope for `setPolicy`: a mainland province code (`13`) or a pooling region (`130100`). */
export function isPolicyScope(v: unknown): v is string {
  return typeof v === 'string' && ((v.length === 2 && isMainlandProvinceCode(v)) || isPoolingRegionCode(v));
}

/** The province scope that a policy scope belongs to (`130100` → `13`, `13` → `13`). */
export function provinceOfPolicyScope(scope: string): string {
  return scope.length === 2 ? scope : provinceOfRegion(scope);
}

/** SPEC 2.1 check 5 under the sharer's policy. */
export function relationshipAllowed(policy: Policy, rel: Relationship): boolean {
  return isRelationshipInScope(rel, policy.relativeScope);
}

/** SPEC 2.1 check 8 under the sharer's policy (the sharer's region decides). */
export function sharingAllowed(policy: Policy, sharerRegion: string, relativeRegion: string): boolean {
  return regionsConnected(sharerRegion, relativeRegion, policy.sharingScope);
}

/** Whether the relative must confirm before the binding pays (consentFromAge set and reached). */
export function consentRequired(policy: Policy, relativeBirthDate: string, today: string): boolean {
  return policy.consentFromAge !== null && ageOn(relativeBirthDate, today) >= policy.consentFromAge;
}

/** The status a new binding starts with: `pending` where the relative must confirm. */
export function initialBindingStatus(policy: Policy, relativeBirthDate: string, today: string): 'active' | 'pending' {
  return consentRequired(policy, relativeBirthDate, today) ? 'pending' : 'active';
}
