/**
 * The cloud functions the mini-program calls: each one's event and data (SPEC 3.2, and
 * server/usecases/* for the exact shapes as JSON: amounts in fen as numbers, instants as ISO
 * strings). One map, so `callFunction(name, event)` is typed per function.
 */
import type { DiagnosisCode } from '@/rules/diagnosis';
import type { ErrorCode } from '@/rules/errorCodes';
import type { NoticeKind } from '@/rules/notices';
import type { Blocker, BindingStatus } from '@/rules/payability';
import type { Relationship } from '@/rules/relationship';

export type { Blocker, BindingStatus };
export type InsuranceType = 'employee' | 'resident' | 'none';
export type PersonStatus = 'active' | 'suspended' | 'terminated';
export type RecordKind = 'outpatient' | 'inpatient' | 'pharmacy';

/** Codes the client itself produces: the network failed, or the answer was not an envelope. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'INTERNAL';

export interface CloudError {
  code: ErrorCode | ClientErrorCode;
  /** Always Simplified Chinese, ready to show. */
  message: string;
  /** The event field the error concerns, when the server names one. */
  field?: string;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: CloudError };

export interface LoginData {
  token: string;
  expiresAt: string;
  user: { userId: string; verified: boolean };
}

export interface PersonView {
  name: string;
  idNumberMasked: string;
  insuranceType: InsuranceType;
  status: PersonStatus;
  poolingRegion: string;
  balanceFen?: number;
  /** The balance less the quotas held for relatives (SPEC 2.11). */
  freeBalanceFen?: number;
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

/** How `verifyIdentity` knew it was me (SPEC 2.7). */
export type IdentityProof = 'registry_phone' | 'face_check';

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
  createdAt: string;
  endedAt?: string;
  /** `YYYY-MM-DD`: the binding expires on this day. */
  endsOn?: string;
  endedBy?: EndedBy;
  /** Which side of the binding I am. */
  viewerRole: 'sharer' | 'relative';
  /** Whether I may unbind it now (false for a relative under the consent age and for ended bindings). */
  canLeave: boolean;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string; insuranceType: InsuranceType; poolingRegion: string };
  /** Mutual aid paid under this binding, net of refunds. */
  spentFen: number;
  /** The same, this calendar month (Asia/Shanghai). */
  spentThisMonthFen: number;
  /** The quota set aside for this relative (SPEC 2.11) and what is left of it; absent without a quota. */
  quotaFen?: number;
  quotaLeftFen?: number;
}

export interface PaymentRecord {
  recordId: string;
  settlementId: string;
  paidAt: string;
  kind: RecordKind;
  institutionName: string;
  amountFen: number;
  refundedFen: number;
  bindingId: string;
  relationship: Relationship;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string };
}

export interface RecordsPage {
  items: PaymentRecord[];
  nextCursor: string | null;
  totalFen: number;
}

export interface ListRecordsEvent {
  role?: 'sharer' | 'relative';
  bindingId?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
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
  createdAt: string;
  /** A mutual-aid binding (active or pending) of mine with this person exists. */
  hasMutualAid: boolean;
}

/** A family account in which I am the member. */
export interface Membership {
  memberId: string;
  /** The owner: the name masked. */
  owner: { name: string; idNumberMasked: string };
  /** What I am to the owner. */
  relationship: Relationship;
  consent: MemberConsent;
  createdAt: string;
}

export interface Message {
  messageId: string;
  kind: NoticeKind;
  title: string;
  body: string;
  createdAt: string;
  readAt: string | null;
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
  expiresAt: string;
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

type Empty = Record<string, never>;
type RelativeInput = { name: string; idNumber: string; relationship: Relationship };

export interface CloudFunctions {
  sendCode: { event: { phone: string }; data: { cooldownSeconds: number; devCode?: string } };
  login: { event: { phone: string; code: string }; data: LoginData };
  loginByWechatPhone: { event: { phoneCode: string }; data: LoginData };
  demoGuide: { event: Empty; data: DemoGuide };
  startFaceCheck: { event: { name: string; idNumber: string }; data: FaceCheckStart };
  verifyIdentity: { event: { name: string; idNumber: string; faceCheckId?: string }; data: { person: PersonView; proof: IdentityProof } };
  logout: { event: { all?: boolean }; data: { ended: number } };
  me: { event: Empty; data: MeData };
  myPolicy: { event: Empty; data: RegionPolicy };
  bindRelative: { event: RelativeInput & { acceptUndertaking: true; endsOn?: string }; data: { binding: Binding } };
  confirmBinding: { event: { bindingId: string }; data: { binding: Binding } };
  declineBinding: { event: { bindingId: string; notMyRelative?: boolean }; data: { binding: Binding } };
  listMessages: { event: { cursor?: string; limit?: number; unreadOnly?: boolean }; data: MessagesPage };
  markMessagesRead: { event: { messageIds?: string[] }; data: { marked: number } };
  listMembers: { event: Empty; data: { asSharer: Binding[]; asRelative: Binding[] } };
  unbindRelative: { event: { bindingId: string }; data: { binding: Binding } };
  listRecords: { event: ListRecordsEvent; data: RecordsPage };
  diagnose: { event: { bindingId?: string; memberId?: string; amountFen?: number }; data: { findings: Finding[] } };
  addFamilyAccount: { event: RelativeInput; data: { member: FamilyMember } };
  listFamilyAccount: { event: Empty; data: { members: FamilyMember[]; asMember: Membership[] } };
  removeFamilyAccount: { event: { memberId: string }; data: { member: FamilyMember } };
  confirmFamilyMember: { event: { memberId: string }; data: { member: { memberId: string; consent: MemberConsent } } };
  showFamilyCode: { event: { memberId: string }; data: FamilyCode };
}

export type FunctionName = keyof CloudFunctions;
export type EventOf<N extends FunctionName> = CloudFunctions[N]['event'];
export type DataOf<N extends FunctionName> = CloudFunctions[N]['data'];
