import { create } from 'zustand';
import type { Relationship } from '@/rules/relationship';
import type { CloudError } from '@/services/cloud/types';

interface RelativeDraftState {
  relationship: Relationship | null;
  name: string;
  /** The full number, only in memory and only while the form is open; shown masked everywhere else. */
  idNumber: string;
  /** Set when the form was opened from a family-account member (亲情账户): its masked number, as a hint. */
  prefilledFrom: { name: string; idNumberMasked: string } | null;
  /** The server's answer to the last submit, shown on the form at its field. */
  serverError: CloudError | null;
  update(patch: Partial<Pick<RelativeDraftState, 'relationship' | 'name' | 'idNumber'>>): void;
  prefill(from: { name: string; idNumberMasked: string; relationship: Relationship }): void;
  fail(error: CloudError): void;
  reset(): void;
}

const empty = { relationship: null, name: '', idNumber: '', prefilledFrom: null, serverError: null };

/** The add-relative form between its two pages (form → summary → submit). Never persisted. */
export const useRelativeDraft = create<RelativeDraftState>()((set) => ({
  ...empty,
  // Editing a field answers the server's complaint about it.
  update: (patch) => set({ ...patch, serverError: null }),
  prefill: ({ name, idNumberMasked, relationship }) =>
    set({ ...empty, name, relationship, prefilledFrom: { name, idNumberMasked } }),
  fail: (serverError) => set({ serverError }),
  reset: () => set(empty),
}));
