import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Relationship } from '@/rules/relationship';
import type { CloudError } from '@/services/cloud/types';
import { taroStorage } from '@/services/storage';

/** A draft older than this is forgotten (the number should not linger on the phone). */
export const DRAFT_TTL_MS = 30 * 60 * 1000;

interface RelativeDraftState {
  relationship: Relationship | null;
  name: string;
  /** The full number, kept only while the form is being filled in; shown masked everywhere else. */
  idNumber: string;
  /** The quota (共济额度) in yuan as typed, empty for none (SPEC 2.11). */
  quota: string;
  /** Set when the form was opened from a family-account member (亲情账户): its masked number, as a hint. */
  prefilledFrom: { name: string; idNumberMasked: string } | null;
  /** The server's answer to the last submit, shown on the form at its field. */
  serverError: CloudError | null;
  /** When the draft was last edited (ms); a stale draft is dropped when the app restarts. */
  savedAt: number;
  /** The binding was made: the form behind the result page goes back to the members list. */
  finished: boolean;
  update(patch: Partial<Pick<RelativeDraftState, 'relationship' | 'name' | 'idNumber' | 'quota'>>): void;
  prefill(from: { name: string; idNumberMasked: string; relationship: Relationship }): void;
  fail(error: CloudError): void;
  /** A binding was made from this draft: empty it and mark the form done. */
  finish(): void;
  reset(): void;
}

const empty = { relationship: null, name: '', idNumber: '', quota: '', prefilledFrom: null, serverError: null, savedAt: 0, finished: false };

/**
 * The add-relative form between its two pages (form → summary → submit). Kept in Taro storage
 * so that a reload of the summary page does not lose it; emptied once submitted, at logout, and
 * forgotten after DRAFT_TTL_MS.
 */
export const useRelativeDraft = create<RelativeDraftState>()(
  persist(
    (set) => ({
      ...empty,
      // Editing a field answers the server's complaint about it.
      update: (patch) => set({ ...patch, serverError: null, savedAt: Date.now(), finished: false }),
      prefill: ({ name, idNumberMasked, relationship }) =>
        set({ ...empty, name, relationship, prefilledFrom: { name, idNumberMasked }, savedAt: Date.now() }),
      fail: (serverError) => set({ serverError }),
      finish: () => set({ ...empty, finished: true }),
      reset: () => set(empty),
    }),
    {
      name: 'yb-relative-draft',
      version: 1,
      storage: createJSONStorage(() => taroStorage),
      partialize: ({ relationship, name, idNumber, quota, prefilledFrom, savedAt, finished }) => ({ relationship, name, idNumber, quota, prefilledFrom, savedAt, finished }),
      merge: (persisted, current) => {
        const saved = persisted as Partial<RelativeDraftState> | undefined;
        if (!saved || typeof saved.savedAt !== 'number' || Date.now() - saved.savedAt > DRAFT_TTL_MS) return current;
        return { ...current, ...saved };
      },
    },
  ),
);
