import { relationshipsInScope } from '../../src/rules/relationship';
import type { App } from '../app';
import type { UserCaller } from '../runtime/caller';
import { loadPolicies } from '../store/policies';
import { requireVerifiedPerson } from './bindings';
import type { Data, Served } from '../contract';

/**
 * The region policy in force for the caller as a sharer (SPEC 2.6; the sharer's pooling
 * region decides), so that the add-relative form offers only the relationships it allows.
 */
export async function myPolicy(
  app: App,
  caller: UserCaller,
): Promise<Served<Data<'myPolicy'>>> {
  const person = await requireVerifiedPerson(app, caller);
  const policyOf = await loadPolicies(app.db, [person.pooling_region]);
  const policy = policyOf(person.pooling_region);
  return { ...policy, poolingRegion: person.pooling_region, relationships: relationshipsInScope(policy.relativeScope) };
}
