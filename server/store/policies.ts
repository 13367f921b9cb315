import { provinceOfRegion } from '../../src/rules/region';
import { resolvePolicy, type Policy, type PolicyOverride } from '../../src/rules/policy';
import type { Queryable } from '../db/port';

/**
 * Loads the overrides that concern the given pooling regions (their own and their provinces')
 * in one query, and resolves each region's policy. Read inside the caller's transaction, so a
 * policy change applies to every settlement and binding from its commit on.
 */
export async function loadPolicies(q: Queryable, regions: readonly string[]): Promise<(region: string) => Policy> {
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
  return (region) =>
    resolvePolicy(region, {
      province: overrides.get(provinceOfRegion(region)) ?? null,
      region: overrides.get(region) ?? null,
    });
}
