import { provinceOfRegion } from '../../src/rules/region';
import { resolvePolicy, type Policy, type PolicyOverride } from '../../src/rules/policy';
import type { Queryable } from '../db/port';

/** The overrides in force for one pooling region: its province's and its own. */
export interface RegionOverrides {
  province: PolicyOverride | null;
  region: PolicyOverride | null;
}

/**
 * Loads the overrides that concern the given pooling regions (their own and their provinces')
 * in one query. Read inside the caller's transaction, so a policy change applies to every
 * settlement and binding from its commit on.
 */
export async function loadOverrides(q: Queryable, regions: readonly string[]): Promise<(region: string) => RegionOverrides> {
  const scopes = [...new Set(regions.flatMap((region) => [region, provinceOfRegion(region)]))];
  const overrides = new Map<string, PolicyOverride>();
  if (scopes.length > 0) {
    const placeholders = scopes.map((_, index) => `$${index + 1}`).join(', ');
    const rows = await q.query<{ scope: string; settings: PolicyOverride }>(
      `SELECT scope, settings FROM region_policies WHERE scope IN (${placeholders})`,
      scopes,
    );
    for (const row of rows) overrides.set(row.scope, row.settings);
  }
  return (region) => ({ province: overrides.get(provinceOfRegion(region)) ?? null, region: overrides.get(region) ?? null });
}

/** Each given region's resolved policy, from one query (loadOverrides). */
export async function loadPolicies(q: Queryable, regions: readonly string[]): Promise<(region: string) => Policy> {
  const overridesOf = await loadOverrides(q, regions);
  return (region) => resolvePolicy(region, overridesOf(region));
}
