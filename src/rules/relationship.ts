/** Relationships of a relative to the sharer (SPEC 2.1 checks 5 and 6). */

export const RELATIONSHIPS = ['spouse', 'parent', 'child', 'sibling', 'grandparent', 'grandchild'] as const;

export type Relationship = (typeof RELATIONSHIPS)[number];

/** What the relative is to the sharer, as shown to users. */
export const RELATIONSHIP_LABELS: Readonly<Record<Relationship, string>> = Object.freeze({
  spouse: '配偶',
  parent: '父母',
  child: '子女',
  sibling: '兄弟姐妹',
  grandparent: '祖父母/外祖父母',
  grandchild: '孙子女/外孙子女',
});

export function isRelationship(v: unknown): v is Relationship {
  return typeof v === 'string' && (RELATIONSHIPS as readonly string[]).includes(v);
}

/** `close`: spouse, parent, child. `near` (近亲属): also sibling, grandparent, grandchild. */
export type RelativeScope = 'close' | 'near';

export const RELATIVE_SCOPES = ['close', 'near'] as const;

export function isRelativeScope(v: unknown): v is RelativeScope {
  return v === 'close' || v === 'near';
}

const CLOSE_RELATIONSHIPS: readonly Relationship[] = Object.freeze(['spouse', 'parent', 'child']);

export function relationshipsInScope(scope: RelativeScope): readonly Relationship[] {
  return scope === 'close' ? CLOSE_RELATIONSHIPS : RELATIONSHIPS;
}

export function isRelationshipInScope(rel: Relationship, scope: RelativeScope): boolean {
  return relationshipsInScope(scope).includes(rel);
}

/**
 * False when the birth dates make the relationship impossible: a parent or
 * grandparent must be born strictly before the sharer, a child or grandchild
 * strictly after. Spouses and siblings are always plausible. Dates are
 * `YYYY-MM-DD`, compared as strings.
 */
export function isRelationshipPlausible(rel: Relationship, sharerBirthDate: string, relativeBirthDate: string): boolean {
  switch (rel) {
    case 'parent':
    case 'grandparent':
      return relativeBirthDate < sharerBirthDate;
    case 'child':
    case 'grandchild':
      return relativeBirthDate > sharerBirthDate;
    case 'spouse':
    case 'sibling':
      return true;
  }
}
