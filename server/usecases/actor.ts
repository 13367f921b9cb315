import type { Queryable } from '../db/port';
import { fail } from '../errors';
import type { UserCaller } from '../runtime/caller';

/**
 * Who a use case acts for: a user in the app, or a service-hall handler acting for a person who
 * is present with their ID card (SPEC 2.10). The rules are the same for both; only what is
 * recorded and counted differs, so the user use cases take either and there is one code path.
 */
export interface Actor {
  readonly kind: 'actor';
  /** The registry person acted as; null for a user who has not verified. */
  readonly personId: string | null;
  /** The person's user (family-account owner); null for a person with no account. */
  readonly userId: string | null;
  /** audit_events.actor: `user:<userId>` or `staff:<staffId>`. */
  readonly label: string;
  /** The key of the registry-lookup budget (`bind:<key>`). */
  readonly limitKey: string;
  /** Present when staff act: the paper undertaking, and the writes that go with every act. */
  readonly staff?: StaffActing;
}

export interface StaffActing {
  /** The reference of the undertaking signed on paper (bindRelative at the service hall). */
  readonly undertakingRef?: string;
  /** Written in the transaction of the act itself: the staff audit row and the person's notice. */
  readonly inAct: (tx: Queryable, now: Date) => Promise<void>;
}

export function userActor(caller: UserCaller): Actor {
  return { kind: 'actor', personId: caller.personId, userId: caller.userId, label: `user:${caller.userId}`, limitKey: caller.userId };
}

export function asActor(caller: UserCaller | Actor): Actor {
  return caller.kind === 'actor' ? caller : userActor(caller);
}

/** The user who owns the person's family account, or FORBIDDEN when the person has no user. */
export function accountOwner(actor: Actor): string {
  if (actor.userId === null) {
    fail('FORBIDDEN', '该参保人还没有“医保家庭共济”账号，亲情账户属于账号：请先为其关联身份（绑定手机号）再办理');
  }
  return actor.userId;
}
