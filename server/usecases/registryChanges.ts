/**
 * Bindings that end by themselves (SPEC 2.1): when the registry sync (`upsertPersons`) ends a
 * person's insurance (`terminated`) or moves it to another pooling region (医保关系转移), every
 * live binding of theirs, as sharer and as relative, ends at once: `unbound` by `system`, with
 * the reason stored (`insurance_ended`, `region_moved`) and both sides told. They end through
 * the one `endBinding` path, which also returns what is left of a quota.
 *
 * A `suspended` status ends nothing: such a binding stops paying and says why (2.9), and pays
 * again when the status is active again. A change of insurance type (say employee → resident)
 * ends nothing either: the binding stops paying (SHARER_NOT_ELIGIBLE) until it is undone.
 */
import type { App } from '../app';
import type { Queryable } from '../db/port';
import type { AutoEndReason } from '../store/bindings';
import { idDigest } from '../store/persons';
import type { Relationship } from '../../src/rules/relationship';
import { endBinding } from './bindings';

/** A registry row as the sync received it (the shape of upsertPersons' checked rows). */
export interface SyncedPerson {
  info: { idNumber: string };
  status: 'active' | 'suspended' | 'terminated';
  poolingRegion: string;
}

/** Why a person's bindings end with this change, or null. Terminated wins over a move. */
export function autoEndReason(before: { status: string; pooling_region: string }, after: Pick<SyncedPerson, 'status' | 'poolingRegion'>): AutoEndReason | null {
  if (after.status === 'terminated') return 'insurance_ended';
  if (before.pooling_region !== after.poolingRegion) return 'region_moved';
  return null;
}

/**
 * Call inside the sync's transaction, before the persons are written: compares each row with
 * the registry as it stands and ends the live bindings of every person whose insurance ends
 * or moves. A person already terminated whose row says terminated again still has any live
 * binding ended (a replayed sync ends nothing more). Returns how many bindings ended.
 */
export async function endBindingsOnRegistryChanges(app: App, tx: Queryable, now: Date, rows: readonly SyncedPerson[]): Promise<number> {
  if (rows.length === 0) return 0;
  const byDigest = new Map(rows.map((row) => [idDigest(app, row.info.idNumber), row]));
  const digests = [...byDigest.keys()];
  const placeholders = digests.map((_, index) => `$${index + 1}`).join(', ');
  const existing = await tx.query<{ person_id: string; id_digest: string; status: string; pooling_region: string }>(
    `SELECT person_id, id_digest, status, pooling_region FROM persons WHERE id_digest IN (${placeholders}) ORDER BY person_id FOR UPDATE`,
    digests,
  );
  let ended = 0;
  for (const person of existing) {
    const row = byDigest.get(person.id_digest);
    const reason = row ? autoEndReason(person, row) : null;
    if (!reason) continue;
    const live = await tx.query<{
      binding_id: string;
      sharer_id: string;
      relative_id: string;
      relationship: Relationship;
      sharer_name: string;
      relative_name: string;
    }>(
      `SELECT b.binding_id, b.sharer_id, b.relative_id, b.relationship, s.name AS sharer_name, r.name AS relative_name
       FROM bindings b JOIN persons s ON s.person_id = b.sharer_id JOIN persons r ON r.person_id = b.relative_id
       WHERE (b.sharer_id = $1 OR b.relative_id = $1) AND b.status IN ('active', 'pending')
       ORDER BY b.created_at, b.binding_id`,
      [person.person_id],
    );
    for (const binding of live) {
      const changed: 'sharer' | 'relative' = binding.sharer_id === person.person_id ? 'sharer' : 'relative';
      const notice = { kind: 'binding_ended_automatically' as const, ref: { by: 'system' as const, reason, changed }, to: 'both' as const };
      if ((await endBinding(tx, now, binding, 'system', { reason, notice })).ended) ended += 1;
    }
  }
  return ended;
}
