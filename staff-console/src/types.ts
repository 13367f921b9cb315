/**
 * The staff API's shapes (SPEC 3.2, Staff; issue 9), from the one contract (server/contract,
 * types only); the console's own shapes (normalised lookups, act requests) are built on them.
 */
import type { Binding as AppBinding, Finding, InsuranceType, PaymentRecord, PersonStatus, FamilyMember, Membership } from '@/services/cloud/types';
import type { Relationship } from '@/rules/relationship';
import type { Contract, EvidenceKind as ContractEvidenceKind, PersonView as ContractPersonView, StaffRole } from '../../server/contract';

export type { Finding, InsuranceType, PaymentRecord, PersonStatus, FamilyMember, Membership, Relationship };

export type Role = StaffRole;

export interface StaffProfile {
  staffId: string;
  name: string;
  role: Role;
}

export interface StaffLoginData {
  token: string;
  staff: StaffProfile;
}

export type PersonView = ContractPersonView;

/** A binding as staff see it: the user's shape without the viewer's own fields. */
export type Binding = Pick<
  AppBinding,
  'bindingId' | 'status' | 'canPay' | 'blockedBy' | 'relationship' | 'createdAt' | 'endedAt' | 'endsOn' | 'sharer' | 'relative' | 'spentFen'
>;

export interface RiskEvent {
  riskId?: string;
  kind: string;
  createdAt: string;
  /** Whether the person looked up reported it or was reported. */
  role?: 'reporter' | 'reported';
  other?: { name: string; idNumberMasked: string };
  detail?: string;
}

export type EvidenceKind = ContractEvidenceKind;

export interface Evidence {
  kind: EvidenceKind;
  ref: string;
}

export interface AuditEvent {
  eventId: string;
  at: string;
  staff: Pick<StaffProfile, 'name' | 'role'> & { staffId?: string };
  action: string;
  /** The server's own words for the action, when it gives them. */
  actionLabel?: string;
  person?: { name: string; idNumberMasked: string };
  reason?: string;
  evidence?: Evidence;
}

/** What the console shows of a person (normalised from staffLookup's answer by `normalizeLookup`). */
export interface LookupData {
  person: PersonView;
  user?: { phoneMasked: string; verified: boolean };
  asSharer: Binding[];
  asRelative: Binding[];
  familyAccount: { members: FamilyMember[]; asMember: Membership[] };
  records: PaymentRecord[];
  findings: Finding[];
  risks: RiskEvent[];
  staffActs: AuditEvent[];
}

/** staffLookup's answer as it comes: records as one list, or split by the person's side. */
export type LookupAnswer = Omit<LookupData, 'records' | 'staffActs' | 'familyAccount' | 'risks' | 'findings'> & {
  records?: PaymentRecord[] | { asSharer?: PaymentRecord[]; asRelative?: PaymentRecord[] };
  familyAccount?: { members?: FamilyMember[]; asMember?: Membership[] };
  risks?: RiskEvent[];
  findings?: Finding[];
  staffActs?: AuditEvent[];
};

type StaffActEvent = Contract['staffAct']['event'];

export type ActAction = StaffActEvent['action'];

/** The fields of each action besides `personIdNumber` and `evidence`. */
export type ActFields = { [A in ActAction]: Omit<Extract<StaffActEvent, { action: A }>, 'action' | 'personIdNumber' | 'evidence'> };

export type ActRequest = { [A in ActAction]: { action: A; fields: ActFields[A] } }[ActAction];

export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}
