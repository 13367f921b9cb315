import { describe, expect, it } from 'vitest';
import {
  RELATIONSHIPS,
  RELATIONSHIP_LABELS,
  isRelationship,
  isRelationshipInScope,
  isRelationshipPlausible,
  relationshipsInScope,
  type Relationship,
} from '../../src/rules';

describe('relationships', () => {
  it('lists the six relationships with their Chinese labels', () => {
    expect([...RELATIONSHIPS]).toEqual(['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild']);
    expect(RELATIONSHIPS.map((r) => RELATIONSHIP_LABELS[r])).toEqual([
      '配偶',
      '父母',
      '子女',
      '兄弟姐妹',
      '祖父母/外祖父母',
      '孙子女/外孙子女',
    ]);
  });

  it.each([...RELATIONSHIPS])('recognizes %s', (rel) => expect(isRelationship(rel)).toBe(true));

  it.each(['Spouse', 'friend', '', '配偶', null, undefined, 1, 'toString', 'constructor'])(
    'does not recognize %j',
    (v) => expect(isRelationship(v)).toBe(false),
  );
});

describe('relative scope', () => {
  it('allows only spouse, parent and child in the close scope', () => {
    expect([...relationshipsInScope('close')]).toEqual(['spouse', 'parent', 'child']);
  });

  it('allows all six relationships in the near scope', () => {
    expect([...relationshipsInScope('near')]).toEqual([...RELATIONSHIPS]);
  });

  it.each<[Relationship, boolean]>([
    ['spouse', true],
    ['parent', true],
    ['child', true],
    ['sibling', false],
    ['grandparent', false],
    ['grandchild', false],
  ])('in the close scope, %s is allowed: %s', (rel, allowed) => {
    expect(isRelationshipInScope(rel, 'close')).toBe(allowed);
    expect(isRelationshipInScope(rel, 'near')).toBe(true);
  });
});

describe('isRelationshipPlausible', () => {
  const worker = '1980-06-15';

  it.each<[string, Relationship, string, boolean]>([
    ['accepts a parent born before the worker', 'parent', '1955-03-01', true],
    ['refuses a parent born after the worker', 'parent', '2005-01-01', false],
    ['refuses a parent born on the same day', 'parent', worker, false],
    ['accepts a grandparent born before the worker', 'grandparent', '1930-01-01', true],
    ['refuses a grandparent born after the worker', 'grandparent', '1990-01-01', false],
    ['accepts a child born after the worker', 'child', '2010-09-09', true],
    ['refuses a child born before the worker', 'child', '1970-01-01', false],
    ['refuses a child born on the same day', 'child', worker, false],
    ['accepts a grandchild born after the worker', 'grandchild', '2020-01-01', true],
    ['refuses a grandchild born before the worker', 'grandchild', '1979-12-31', false],
    ['accepts an older spouse', 'spouse', '1970-01-01', true],
    ['accepts a younger spouse', 'spouse', '1990-01-01', true],
    ['accepts a twin sibling', 'sibling', worker, true],
    ['accepts an older sibling', 'sibling', '1975-01-01', true],
  ])('%s', (_label, rel, relativeBirth, plausible) => {
    expect(isRelationshipPlausible(rel, worker, relativeBirth)).toBe(plausible);
  });
});
