import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY,
  POLICY_LIMITS,
  consentRequired,
  initialBindingStatus,
  isPolicyScope,
  provinceOfPolicyScope,
  relationshipAllowed,
  resolvePolicy,
  sharingAllowed,
  type Policy,
} from '../../src/rules';

describe('resolvePolicy', () => {
  it('uses the defaults of the end of 2024 when nothing is overridden', () => {
    const expected: Policy = {
      relativeScope: 'near',
      sharingScope: 'province',
      maxRelatives: 8,
      allowPartial: false,
      // SPEC v2 2.6: relatives of 16 or more confirm (Gansu, and the voluntariness of the 2026 notice).
      consentFromAge: 16,
    };
    expect(resolvePolicy('130100', {})).toEqual(expected);
    expect(resolvePolicy('130100', { province: null, region: null })).toEqual(expected);
    expect(DEFAULT_POLICY).toEqual(expected);
  });

  it('applies a province override', () => {
    expect(resolvePolicy('620100', { province: { consentFromAge: 18 } })).toEqual({
      ...DEFAULT_POLICY,
      consentFromAge: 18,
    });
    expect(resolvePolicy('620100', { province: { consentFromAge: null } })).toEqual({ ...DEFAULT_POLICY, consentFromAge: null });
  });

  it('applies a region override over the province override', () => {
    const policy = resolvePolicy('130100', {
      province: { sharingScope: 'region', maxRelatives: 5, allowPartial: true },
      region: { maxRelatives: 3, relativeScope: 'close' },
    });
    expect(policy).toEqual({
      relativeScope: 'close',
      sharingScope: 'region',
      maxRelatives: 3,
      allowPartial: true,
      consentFromAge: 16,
    });
  });

  it('lets a region switch confirmation off with an explicit null', () => {
    const policy = resolvePolicy('620100', { province: { consentFromAge: 16 }, region: { consentFromAge: null } });
    expect(policy.consentFromAge).toBeNull();
  });

  it('inherits the province value where the region leaves a field undefined', () => {
    const policy = resolvePolicy('620100', {
      province: { consentFromAge: 16, allowPartial: true },
      region: { consentFromAge: undefined, allowPartial: undefined },
    });
    expect(policy.consentFromAge).toBe(16);
    expect(policy.allowPartial).toBe(true);
  });

  it('ignores fields that are not policy settings, such as the columns of a stored row', () => {
    const row = { scope: '13', updatedAt: '2025-01-01', maxRelatives: 6 } as unknown as Partial<Policy>;
    expect(resolvePolicy('130100', { province: row })).toEqual({ ...DEFAULT_POLICY, maxRelatives: 6 });
  });

  it('never changes the default policy', () => {
    resolvePolicy('130100', { province: { maxRelatives: 2 } });
    expect(DEFAULT_POLICY.maxRelatives).toBe(8);
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
  });

  it('states the limits of the settings', () => {
    expect(POLICY_LIMITS).toEqual({ maxRelatives: { min: 1, max: 20 }, consentFromAge: { min: 0, max: 150 } });
  });
});

describe('isPolicyScope', () => {
  it.each(['13', '65', '130100', '110000'])('accepts %s', (scope) => {
    expect(isPolicyScope(scope)).toBe(true);
    expect(provinceOfPolicyScope(scope)).toBe(scope.slice(0, 2));
  });

  it.each(['1', '99', '81', '990100', '1301', '13010', 'ab', 13, null, ''])('refuses %j', (scope) => {
    expect(isPolicyScope(scope)).toBe(false);
  });
});

describe('sharing under a policy', () => {
  const policy = (sharingScope: Policy['sharingScope']): Policy => ({ ...DEFAULT_POLICY, sharingScope });

  it('allows another region of the same province by default', () => {
    expect(sharingAllowed(DEFAULT_POLICY, '130100', '130200')).toBe(true);
    expect(sharingAllowed(DEFAULT_POLICY, '130100', '110000')).toBe(false);
  });

  it('allows only the same region under the region scope', () => {
    expect(sharingAllowed(policy('region'), '130100', '130100')).toBe(true);
    expect(sharingAllowed(policy('region'), '130100', '130200')).toBe(false);
  });

  it('allows any region under the national scope', () => {
    expect(sharingAllowed(policy('national'), '130100', '650102')).toBe(true);
  });

  it('allows relationships by the relative scope', () => {
    expect(relationshipAllowed(DEFAULT_POLICY, 'sibling')).toBe(true);
    expect(relationshipAllowed({ ...DEFAULT_POLICY, relativeScope: 'close' }, 'sibling')).toBe(false);
    expect(relationshipAllowed({ ...DEFAULT_POLICY, relativeScope: 'close' }, 'spouse')).toBe(true);
  });
});

describe('confirmation by the relative', () => {
  const gansu: Policy = { ...DEFAULT_POLICY, consentFromAge: 16 };

  it('starts a binding active when no confirmation is asked (consentFromAge null)', () => {
    const none: Policy = { ...DEFAULT_POLICY, consentFromAge: null };
    expect(consentRequired(none, '1950-01-01', '2025-06-15')).toBe(false);
    expect(initialBindingStatus(none, '1950-01-01', '2025-06-15')).toBe('active');
  });

  it('asks relatives of 16 or more to confirm by default (SPEC v2 2.6), not younger ones', () => {
    expect(initialBindingStatus(DEFAULT_POLICY, '1950-01-01', '2025-06-15')).toBe('pending');
    expect(initialBindingStatus(DEFAULT_POLICY, '2009-06-15', '2025-06-15')).toBe('pending');
    expect(initialBindingStatus(DEFAULT_POLICY, '2009-06-16', '2025-06-15')).toBe('active');
  });

  it('starts a binding pending for a relative who turned 16 today', () => {
    expect(initialBindingStatus(gansu, '2009-06-15', '2025-06-15')).toBe('pending');
  });

  it('starts a binding active for a relative who turns 16 tomorrow', () => {
    expect(initialBindingStatus(gansu, '2009-06-16', '2025-06-15')).toBe('active');
  });

  it('asks everyone to confirm when the age is 0', () => {
    expect(initialBindingStatus({ ...DEFAULT_POLICY, consentFromAge: 0 }, '2025-06-15', '2025-06-15')).toBe('pending');
  });
});
