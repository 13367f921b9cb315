import { create } from 'zustand';
import { callFunction } from '@/services/cloud';
import type { CloudError, MeData, RegionPolicy } from '@/services/cloud/types';
import { useSession } from './session';

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

interface ProfileState {
  me: MeData | null;
  status: LoadStatus;
  error: CloudError | null;
  /** The region policy for the add-relative form; null when unknown (then every relationship is offered). */
  policy: RegionPolicy | null;
  load(): Promise<void>;
  loadPolicy(): Promise<RegionPolicy | null>;
  clear(): void;
}

/** Who I am in the registry (`me`): name, insurance, region, balance. Not persisted: it changes. */
export const useProfile = create<ProfileState>()((set, get) => ({
  me: null,
  status: 'idle',
  error: null,
  policy: null,
  load: async () => {
    set({ status: 'loading', error: null });
    const answer = await callFunction('me', {});
    if (answer.ok) {
      set({ me: answer.data, status: 'ready' });
      useSession.getState().setVerified(answer.data.verified);
    } else {
      set({ status: 'error', error: answer.error });
    }
  },
  loadPolicy: async () => {
    const cached = get().policy;
    if (cached) return cached;
    const answer = await callFunction('myPolicy', {});
    const policy = answer.ok ? answer.data : null;
    set({ policy });
    return policy;
  },
  clear: () => set({ me: null, status: 'idle', error: null, policy: null }),
}));

/** Derived: only an active employee-insured person has an account that can pay for others. */
export function canShare(me: MeData | null): boolean {
  return me?.person?.insuranceType === 'employee' && me.person.status === 'active';
}
