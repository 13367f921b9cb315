import { useEffect } from 'react';
import { useRouter } from '@tarojs/taro';
import { ROUTES, pageUrl, restartAt, urlOf } from '@/services/routes';
import { isSignedIn, useSession } from '@/stores/session';

/** Pages behind the login: without a live session, to the login page, which comes back here afterwards. */
export function useSignedIn(): boolean {
  const token = useSession((s) => s.token);
  const expiresAt = useSession((s) => s.expiresAt);
  const signedIn = isSignedIn({ token, expiresAt });
  const router = useRouter();
  useEffect(() => {
    if (signedIn) return;
    // Back to this page after logging in (a deep link opened while logged out).
    const here = pageUrl(router);
    restartAt(here && here.split('?')[0] !== ROUTES.home ? urlOf(ROUTES.login, { redirect: here }) : ROUTES.login);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [signedIn]);
  return signedIn;
}
