import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { LoginData } from '@/services/cloud/types';
import { taroStorage } from '@/services/storage';

export interface SessionState {
  token: string | null;
  /** ISO instant the token stops working. */
  expiresAt: string | null;
  userId: string | null;
  verified: boolean;
  signIn(data: LoginData): void;
  setVerified(verified: boolean): void;
  signOut(): void;
}

const signedOut = { token: null, expiresAt: null, userId: null, verified: false };

/** Who is logged in: survives a restart of the app (Taro storage). */
export const useSession = create<SessionState>()(
  persist(
    (set) => ({
      ...signedOut,
      signIn: (data) => set({ token: data.token, expiresAt: data.expiresAt, userId: data.user.userId, verified: data.user.verified }),
      setVerified: (verified) => set({ verified }),
      signOut: () => set(signedOut),
    }),
    {
      name: 'yb-session',
      version: 1,
      storage: createJSONStorage(() => taroStorage),
      partialize: ({ token, expiresAt, userId, verified }) => ({ token, expiresAt, userId, verified }),
    },
  ),
);

/** Derived: a token that has not expired yet. */
export function isSignedIn(state: Pick<SessionState, 'token' | 'expiresAt'>, now: Date = new Date()): boolean {
  return state.token !== null && state.expiresAt !== null && Date.parse(state.expiresAt) > now.getTime();
}
