/** The staff API's shapes (SPEC 3.2, Staff; issue 9). The user-facing shapes come from the app's own types. */
import type { Binding as AppBinding, Finding, InsuranceType, PaymentRecord, PersonStatus, FamilyMember, Membership } from '@/services/cloud/types';
import type { Relationship } from '@/rules/relationship';

export type { Finding, InsuranceType, PaymentRecord, PersonStatus, FamilyMember, Membership, Relationship };

export type Role = 'agent' | 'handler' | 'supervisor';

export interface StaffProfile {
  staffId: string;
  name: string;
  role: Role;
}

export interface StaffLoginData {
  token: string;
  staff: StaffProfile;
}

export interface PersonView {
  name: string;
  idNumberMasked: string;
  insuranceType: InsuranceType;
  status: PersonStatus;
  poolingRegion: string;
  balanceFen?: number;
}

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

export type EvidenceKind = 'id_card' | 'undertaking' | 'power_of_attorney';

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

export type ActAction =
  | 'linkIdentity'
  | 'bindRelative'
  | 'confirmBinding'
  | 'declineBinding'
  | 'unbindRelative'
  | 'addFamilyMember'
  | 'removeFamilyMember';

/** The fields of each action besides `personIdNumber` and `evidence`. */
export interface ActFields {
  linkIdentity: { phone: string };
  bindRelative: { name: string; idNumber: string; relationship: Relationship; endsOn?: string };
  confirmBinding: { bindingId: string };
  declineBinding: { bindingId: string; notMyRelative?: boolean };
  unbindRelative: { bindingId: string };
  addFamilyMember: { name: string; idNumber: string; relationship: Relationship };
  removeFamilyMember: { memberId: string };
}

export type ActRequest = { [A in ActAction]: { action: A; fields: ActFields[A] } }[ActAction];

export interface AuditPage {
  items: AuditEvent[];
  nextCursor: string | null;
}
