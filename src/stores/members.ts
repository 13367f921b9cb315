import { create } from 'zustand';
import { callFunction } from '@/services/cloud';
import type { Binding, CloudError } from '@/services/cloud/types';
import type { LoadStatus } from './profile';

interface MembersState {
  /** Bindings where my account pays (my relatives), newest first. */
  asSharer: Binding[];
  /** Bindings that pay for me. */
  asRelative: Binding[];
  status: LoadStatus;
  error: CloudError | null;
  load(): Promise<void>;
  /** Puts a binding the server just answered (after bind, confirm, decline, unbind) in its place. */
  upsert(binding: Binding): void;
  clear(): void;
}

export const useMembers = create<MembersState>()((set, get) => ({
  asSharer: [],
  asRelative: [],
  status: 'idle',
  error: null,
  load: async () => {
    set({ status: 'loading', error: null });
    const answer = await callFunction('listMembers', {});
    if (answer.ok) set({ asSharer: answer.data.asSharer, asRelative: answer.data.asRelative, status: 'ready' });
    else set({ status: 'error', error: answer.error });
  },
  upsert: (binding) => {
    const key = binding.viewerRole === 'sharer' ? 'asSharer' : 'asRelative';
    const list = get()[key];
    const next = list.some((b) => b.bindingId === binding.bindingId)
      ? list.map((b) => (b.bindingId === binding.bindingId ? binding : b))
      : [binding, ...list];
    set({ [key]: next } as Pick<MembersState, typeof key>);
  },
  clear: () => set({ asSharer: [], asRelative: [], status: 'idle', error: null }),
}));

/** Derived: a binding of mine by id, in either role. */
export function findBinding(state: Pick<MembersState, 'asSharer' | 'asRelative'>, bindingId: string) {
  const asSharer = state.asSharer.find((b) => b.bindingId === bindingId);
  if (asSharer) return { binding: asSharer, role: 'sharer' as const };
  const asRelative = state.asRelative.find((b) => b.bindingId === bindingId);
  return asRelative ? { binding: asRelative, role: 'relative' as const } : null;
}

/** The groups of the list's header, in this order; a binding belongs to exactly one. */
export type StatusGroup = 'payable' | 'blocked' | 'pending' | 'declined' | 'unbound' | 'expired';

export function statusGroup(binding: Pick<Binding, 'status' | 'canPay'>): StatusGroup {
  if (binding.status === 'active') return binding.canPay ? 'payable' : 'blocked';
  return binding.status;
}

/** Derived: how many bindings in each group, for the list's header. */
export function countByStatus(bindings: readonly Binding[]): Record<StatusGroup, number> {
  const counts: Record<StatusGroup, number> = { payable: 0, blocked: 0, pending: 0, declined: 0, unbound: 0, expired: 0 };
  for (const b of bindings) counts[statusGroup(b)] += 1;
  return counts;
}

const STATUS_ORDER: Record<Binding['status'], number> = { pending: 0, active: 1, declined: 2, expired: 3, unbound: 4 };

/** Derived: pending first (they need attention), then active, then ended ones; newest first within each. */
export function sortForList(bindings: readonly Binding[]): Binding[] {
  return [...bindings].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.createdAt.localeCompare(a.createdAt));
}
