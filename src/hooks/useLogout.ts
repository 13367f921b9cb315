import { useState } from 'react';
import { callFunction } from '@/services/cloud';
import { ROUTES, restart } from '@/services/routes';
import { useMembers } from '@/stores/members';
import { useProfile } from '@/stores/profile';
import { useRelativeDraft } from '@/stores/relativeDraft';
import { useSession } from '@/stores/session';

export interface Logout {
  busy: 'device' | 'all' | null;
  /** Why ending every session failed (this device stays logged in then). */
  error: string | null;
  /** `logout {all?}` (SPEC 2.13), then forget the session here and go to the login page. */
  logout(all: boolean): Promise<void>;
}

export function useLogout(): Logout {
  const [busy, setBusy] = useState<Logout['busy']>(null);
  const [error, setError] = useState<string | null>(null);

  const logout = async (all: boolean) => {
    setBusy(all ? 'all' : 'device');
    setError(null);
    const answer = await callFunction('logout', all ? { all: true } : {});
    setBusy(null);
    const expired = !answer.ok && answer.error.code === 'UNAUTHENTICATED';
    // "Every device" is said done only when it was; this device forgets its token whatever the answer.
    if (!answer.ok && all && !expired) {
      setError(answer.error.message);
      return;
    }
    useProfile.getState().clear();
    useMembers.getState().clear();
    useRelativeDraft.getState().reset();
    // An ended session already went back to the login page (services/cloud/envelope.ts).
    if (expired) return;
    useSession.getState().signOut();
    restart(ROUTES.login);
  };

  return { busy, error, logout };
}
