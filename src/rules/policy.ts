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
 * A stored override: an absent or undefined field inherits. `consentFromAge:
 * null` set explicitly means "no confirmation" and does override.
 */
export type PolicyOverride = Partial<Policy>;

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
