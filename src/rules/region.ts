/**
 * Pooling regions (统筹区): six-digit division codes of the registry, never the
 * division code inside an ID number (SPEC 1).
 */
import { isMainlandProvinceCode } from './provinces';

/**
 * Six digits whose first two are a mainland province code. Basic medical
 * insurance exists only on the mainland, so 71/81/82/83 are not pooling regions.
 */
export function isPoolingRegionCode(v: unknown): v is string {
  return typeof v === 'string' && /^\d{6}$/.test(v) && isMainlandProvinceCode(v.slice(0, 2));
}

/** The province code (first two digits) of a pooling region. */
export function provinceOfRegion(code: string): string {
  return code.slice(0, 2);
}

/** How far sharing reaches: same pooling region, same province, or anywhere. */
export type SharingScope = 'region' | 'province' | 'national';

export const SHARING_SCOPES = ['region', 'province', 'national'] as const;

export function isSharingScope(v: unknown): v is SharingScope {
  return v === 'region' || v === 'province' || v === 'national';
}

/** SPEC 2.1 check 8: whether two pooling regions are connected under a scope. */
export function regionsConnected(sharerRegion: string, relativeRegion: string, scope: SharingScope): boolean {
  switch (scope) {
    case 'region':
      return sharerRegion === relativeRegion;
    case 'province':
      return provinceOfRegion(sharerRegion) === provinceOfRegion(relativeRegion);
    case 'national':
      return true;
  }
}
