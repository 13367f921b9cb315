import { useEffect } from 'react';
import { ROUTES, restart } from '@/services/routes';
import { isSignedIn, useSession } from '@/stores/session';

/** Pages behind the login: without a live session, back to the login page. */
export function useSignedIn(): boolean {
  const token = useSession((s) => s.token);
  const expiresAt = useSession((s) => s.expiresAt);
  const signedIn = isSignedIn({ token, expiresAt });
  useEffect(() => {
    if (!signedIn) restart(ROUTES.login);
  }, [signedIn]);
  return signedIn;
}
