/**
 * The cloud functions the mini-program calls: each one's event and data (SPEC 3.2, and
 * server/usecases/* for the exact shapes as JSON: amounts in fen as numbers, instants as ISO
 * strings). One map, so `callFunction(name, event)` is typed per function.
 */
import type { DiagnosisCode } from '@/rules/diagnosis';
import type { ErrorCode } from '@/rules/errorCodes';
import type { Relationship } from '@/rules/relationship';

export type InsuranceType = 'employee' | 'resident' | 'none';
export type PersonStatus = 'active' | 'suspended' | 'terminated';
export type BindingStatus = 'active' | 'pending' | 'unbound';
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
}

export interface MeData {
  userId: string;
  phone: string;
  verified: boolean;
  person?: PersonView;
}

export interface Binding {
  bindingId: string;
  status: BindingStatus;
  relationship: Relationship;
  createdAt: string;
  endedAt?: string;
  sharer: { name: string; idNumberMasked: string };
  relative: { name: string; idNumberMasked: string; insuranceType: InsuranceType; poolingRegion: string };
  /** Mutual aid paid under this binding, net of refunds. */
  spentFen: number;
  /** The same, this calendar month (Asia/Shanghai). */
  spentThisMonthFen: number;
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

export interface FamilyMember {
  memberId: string;
  name: string;
  idNumberMasked: string;
  relationship: Relationship;
  insuranceType: InsuranceType;
  poolingRegion: string;
  createdAt: string;
  /** A mutual-aid binding (active or pending) of mine with this person exists. */
  hasMutualAid: boolean;
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
  verifyIdentity: { event: { name: string; idNumber: string }; data: { person: PersonView } };
  me: { event: Empty; data: MeData };
  myPolicy: { event: Empty; data: RegionPolicy };
  bindRelative: { event: RelativeInput; data: { binding: Binding } };
  confirmBinding: { event: { bindingId: string }; data: { binding: Binding } };
  listMembers: { event: Empty; data: { asSharer: Binding[]; asRelative: Binding[] } };
  unbindRelative: { event: { bindingId: string }; data: { binding: Binding } };
  listRecords: { event: ListRecordsEvent; data: RecordsPage };
  diagnose: { event: { bindingId?: string; memberId?: string; amountFen?: number }; data: { findings: Finding[] } };
  addFamilyAccount: { event: RelativeInput; data: { member: FamilyMember } };
  listFamilyAccount: { event: Empty; data: { members: FamilyMember[] } };
  removeFamilyAccount: { event: { memberId: string }; data: { member: FamilyMember } };
  showFamilyCode: { event: { memberId: string }; data: FamilyCode };
}

export type FunctionName = keyof CloudFunctions;
export type EventOf<N extends FunctionName> = CloudFunctions[N]['event'];
export type DataOf<N extends FunctionName> = CloudFunctions[N]['data'];
