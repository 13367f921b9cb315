/**
 * What each cloud function answers, as JSON (SPEC 3.2): amounts in fen as numbers, instants as
 * ISO 8601 strings, dates as `YYYY-MM-DD`. Types only, no code: the mini-program imports them
 * with `import type`, so nothing here reaches its bundles.
 *
 * The server's use cases return `Served<…>` of these (server/contract/index.ts): the same shape,
 * where a bigint may stand for a number and a Date for an ISO string (the envelope converts).
 */
import type { DiagnosisCode } from '../../src/rules/diagnosis';
import type { NoticeKind } from '../../src/rules/notices';
import type { BindingStatus, Blocker } from '../../src/rules/payability';
import type { Relationship } from '../../src/rules/relationship';

export type { BindingStatus, Blocker };

/**
 * An amount in fen: a safe integer in JSON. Marked (the optional brand never exists at run time;
 * any number is one) so that `Served` knows the server may hand it over as a bigint.
 */
export type Fen = number & { readonly __fen?: true };
/** An instant, ISO 8601 in JSON; marked so that `Served` knows the server may hand it over as a Date. */
export type Instant = string & { readonly __instant?: true };
export type InsuranceType = 'employee' | 'resident' | 'none';
export type PersonStatus = 'active' | 'suspended' | 'terminated';
export type SettlementKind = 'outpatient' | 'inpatient' | 'pharmacy';
/** A payment record's kind: the settlement's. */
/** A bill's kind, or `premium`: a relative's resident premium paid from the account (代缴, SPEC 2.12). */
export type RecordKind = SettlementKind | 'premium';
export type StaffRole = 'agent' | 'handler' | 'supervisor';
export type EvidenceKind = 'id_card' | 'undertaking' | 'power_of_attorney';

/** A person's name with the ID number masked (`1101**********002X`), as every list shows them. */
export interface MaskedPerson {
  name: string;
  idNumberMasked: string;
}

export interface LoginData {
  token: string;
  expiresAt: Instant;
  user: { userId: string; verified: boolean };
}

export interface PersonView {
  name: string;
  idNumberMasked: string;
  insuranceType: InsuranceType;
  status: PersonStatus;
  poolingRegion: string;
  balanceFen?: Fen;
  /** The balance less every quota it holds (SPEC 2.11): what the person's own bills may spend. */
  freeBalanceFen?: Fen;
}

export interface MeData {
  userId: string;
  phone: string;
  verified: boolean;
  person?: PersonView;
  /** Messages in my message centre not read yet. */
  unreadMessages: number;
  /** Bindings and family-account memberships waiting for my answer. */
  pendingRequests: number;
}

/** How `verifyIdentity` knew it was me (SPEC 2.7); `staff`: linked in the service hall. */
export type IdentityProof = 'registry_phone' | 'face_check' | 'staff';

export interface FaceCheckStart {
  faceCheckId: string;
  /** WeChat's id for `wx.requestFacialVerify`; absent with the development provider. */
  verifyId?: string;
  provider: 'wechat' | 'dev';
  /** The development provider: no real check happens, the app must say so. */
  simulated: boolean;
}

/** Who ended a binding. */
export type EndedBy = 'sharer' | 'relative' | 'operator' | 'staff' | 'system';

export interface Binding {
  bindingId: string;
  status: BindingStatus;
  /** Whether it would pay a bill today (SPEC 2.9); false for every status but a payable `active`. */
  canPay: boolean;
  /** Why an `active` binding cannot pay today; null otherwise. */
  blockedBy: Blocker | null;
  relationship: Relationship;
  createdAt: Instant;
  endedAt?: Instant;
  /** `YYYY-MM-DD`: the binding expires on this day. */
  endsOn?: string;
  endedBy?: EndedBy;
  /** Which side of the binding I am. */
  viewerRole: 'sharer' | 'relative';
  /** Whether I may unbind it now (false for a relative under the consent age and for ended bindings). */
  canLeave: boolean;
  sharer: MaskedPerson;
  relative: MaskedPerson & { insuranceType: InsuranceType; poolingRegion: string };
  /** Mutual aid paid under this binding, net of refunds. */
  spentFen: Fen;
  /** The same, this calendar month (Asia/Shanghai). */
  spentThisMonthFen: Fen;
  /** The quota the sharer set on this binding (SPEC 2.11); absent: none. */
  quotaFen?: Fen;
  /** What is left of the quota (it shrinks by payments, grows back by refunds). */
  quotaLeftFen?: Fen;
  /** Why the system ended it (SPEC 2.1): an insurance relationship ended or moved, or its end date came. */
  endedReason?: EndedReason;
  /** For the sharer of an active binding with a resident-insured or uninsured relative: the premium it may pay (SPEC 2.12). */
  premium?: PremiumOffer;
}

export type EndedReason = 'insurance_ended' | 'region_moved' | 'end_date';

/** The resident premium of the year the window is open for (or opens next), as the sharer may pay it (SPEC 2.12). */
export interface PremiumOffer {
  year: number;
  amountFen: Fen;
  /** `MM-DD..MM-DD` of the relative's region. */
  window: string;
  /** Today (Asia/Shanghai) lies in that year's window. */
  open: boolean;
  /** That year's premium is already paid, by anyone. */
  paid: boolean;
}

export interface PaymentRecord {
  recordId: string;
  settlementId: string;
  paidAt: Instant;
  kind: RecordKind;
  institutionName: string;
  amountFen: Fen;
  refundedFen: Fen;
  bindingId: string;
  relationship: Relationship;
  sharer: MaskedPerson;
  relative: MaskedPerson;
  /** For a `premium` record: the year whose resident premium it paid. */
  premiumYear?: number;
}

export interface RecordsPage {
  items: PaymentRecord[];
  nextCursor: string | null;
  totalFen: Fen;
}

export interface Finding {
  code: DiagnosisCode;
  message: string;
  action: string;
}

/** A family-account member of consent age agrees before their code can be shown (SPEC 2.8). */
export type MemberConsent = 'not_needed' | 'pending' | 'confirmed';

export interface FamilyMember {
  memberId: string;
  consent: MemberConsent;
  name: string;
  idNumberMasked: string;
  relationship: Relationship;
  insuranceType: InsuranceType;
  poolingRegion: string;
  createdAt: Instant;
  /** A mutual-aid binding (active or pending) of mine with this person exists. */
  hasMutualAid: boolean;
}

/** A family account in which I am the member. */
export interface Membership {
  memberId: string;
  /** The owner: the name masked. */
  owner: MaskedPerson;
  /** What I am to the owner. */
  relationship: Relationship;
  consent: MemberConsent;
  createdAt: Instant;
}

export interface Message {
  messageId: string;
  kind: NoticeKind;
  title: string;
  body: string;
  createdAt: Instant;
  readAt: Instant | null;
  ref?: { bindingId?: string; settlementId?: string; memberId?: string };
}

export interface MessagesPage {
  items: Message[];
  nextCursor: string | null;
  /** Unread messages in the whole centre, not only this page. */
  unread: number;
}

export interface FamilyCode {
  code: string;
  expiresAt: Instant;
  name: string;
  idNumberMasked: string;
}

export interface RegionPolicy {
  poolingRegion: string;
  relativeScope: 'close' | 'near';
  sharingScope: 'region' | 'province' | 'national';
  maxRelatives: number;
  allowPartial: boolean;
  consentFromAge: number | null;
  relationships: Relationship[];
}

export interface DemoGuide {
  phones: Array<{ phone: string; who: string; shows: string }>;
  relatives: Array<{ name: string; idNumber: string; note: string }>;
}

/** SPEC 3.2's settle answer, shaped like the national interface's setlinfo. */
export interface SettleAnswer {
  settlementId: string;
  selfAcctPay: Fen;
  acctMulaidPay: Fen;
  acctPay: Fen;
  cashPay: Fen;
  mulaidFailure: null | 'NO_SHARER' | 'INSUFFICIENT_BALANCE';
  /**
   * Where mutual aid came from (SPEC 2.11): a sharer's free `balance` or a binding's `quota`;
   * null when none paid. Optional: a replayed answer stored before SPEC v2 has none.
   */
  mulaidSource?: 'balance' | 'quota' | null;
  sharer?: MaskedPerson;
}

export interface RefundAnswer {
  refundId: string;
  toMulaid: Fen;
  toSelf: Fen;
}

export interface PolicySettings {
  relativeScope: 'close' | 'near';
  sharingScope: 'region' | 'province' | 'national';
  maxRelatives: number;
  allowPartial: boolean;
  consentFromAge: number | null;
}

export interface PolicyAnswer {
  /** The policy in force in the scope, and the settings the scope itself overrides. */
  policy: PolicySettings & { scope: string; overrides: Partial<PolicySettings> };
}

export interface ClearingStatement {
  month: string;
  /** A past month: the statement never changes again. */
  closed: boolean;
  rows: Array<{ fromProvince: string; toProvince: string; count: number; amountFen: Fen }>;
  totalFen: Fen;
}

export interface StaffCreated {
  staffId: string;
  username: string;
  role: StaffRole;
  /** Shown once. */
  password: string;
  totpSecret: string;
  otpauthUri: string;
}

export interface StaffLoginData {
  token: string;
  expiresAt: Instant;
  staff: { staffId: string; name: string; role: StaffRole; username: string };
}

export interface RiskView {
  riskId: string;
  kind: 'not_my_relative' | 'identity_reclaimed';
  createdAt: Instant;
  /** Whether the person looked up reported it, or was reported by someone. */
  role: 'reporter' | 'reported';
  other?: MaskedPerson;
}

export interface StaffActView {
  eventId: string;
  at: Instant;
  action: string;
  actionLabel: string;
  staff: { name: string; role: StaffRole };
  evidence?: { kind: EvidenceKind; ref: string };
}

/** What the service hall sees of a person (SPEC 2.10): what the person sees in the app. */
export interface StaffLookupData {
  person: PersonView;
  user?: { phoneMasked: string; verified: boolean; verifiedBy?: string | null };
  asSharer: Binding[];
  asRelative: Binding[];
  familyAccount: { members: FamilyMember[]; asMember: Membership[] };
  records: { asSharer: PaymentRecord[]; asRelative: PaymentRecord[] };
  findings: Finding[];
  risks: RiskView[];
  staffActs: StaffActView[];
}

/** `staffAct` answers what the corresponding user function answers. */
export type StaffActData = { person: PersonView; proof: IdentityProof } | { binding: Binding } | { member: FamilyMember };

export interface AuditItem {
  eventId: string;
  at: Instant;
  staff: { staffId: string; name: string; role: StaffRole };
  action: string;
  actionLabel: string;
  person?: MaskedPerson;
  reason?: string;
  evidence?: { kind: EvidenceKind; ref: string };
}

/**
 * Every function's answer, by name. server/contract/index.ts checks that this map and the
 * map of events name the same functions.
 */
export interface Answers {
  sendCode: { cooldownSeconds: number; devCode?: string };
  login: LoginData;
  loginByWechatPhone: LoginData;
  demoGuide: DemoGuide;
  startFaceCheck: FaceCheckStart;
  verifyIdentity: { person: PersonView; proof: IdentityProof };
  logout: { ended: number };
  me: MeData;
  myPolicy: RegionPolicy;
  bindRelative: { binding: Binding };
  confirmBinding: { binding: Binding };
  declineBinding: { binding: Binding };
  setQuota: { binding: Binding };
  payPremium: { paymentId: string; amountFen: Fen };
  listMessages: MessagesPage;
  markMessagesRead: { marked: number };
  listMembers: { asSharer: Binding[]; asRelative: Binding[] };
  unbindRelative: { binding: Binding };
  listRecords: RecordsPage;
  diagnose: { findings: Finding[] };
  addFamilyAccount: { member: FamilyMember };
  listFamilyAccount: { members: FamilyMember[]; asMember: Membership[] };
  removeFamilyAccount: { member: FamilyMember };
  confirmFamilyMember: { member: Membership };
  showFamilyCode: FamilyCode;
  settle: SettleAnswer;
  refund: RefundAnswer;
  upsertPersons: { upserted: number };
  setPolicy: PolicyAnswer;
  createInstitution: { code: string; key: string };
  creditAccount: { balanceFen: Fen };
  createStaff: StaffCreated;
  clearingStatement: ClearingStatement;
  staffLogin: StaffLoginData;
  staffLookup: StaffLookupData;
  staffAct: StaffActData;
  listAudit: { items: AuditItem[]; nextCursor: string | null };
}
