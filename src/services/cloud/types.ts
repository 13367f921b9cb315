/**
 * The cloud functions the mini-program calls: each one's event and data, derived from the one
 * contract (server/contract: the zod events and the answer types of SPEC 3.2). Types only
 * (`import type`): zod and the server never enter the app's bundles. One map, so
 * `callFunction(name, event)` is typed per function.
 */
import type { ErrorCode } from '@/rules/errorCodes';
import type { Contract, FunctionsFor } from '../../../server/contract';

export type {
  Binding,
  BindingStatus,
  Blocker,
  DemoGuide,
  EndedBy,
  EndedReason,
  FaceCheckStart,
  FamilyCode,
  FamilyMember,
  Finding,
  IdentityProof,
  InsuranceType,
  LoginData,
  MeData,
  MemberConsent,
  Membership,
  Message,
  MessagesPage,
  PaymentRecord,
  PersonStatus,
  PersonView,
  PremiumOffer,
  RecordKind,
  RecordsPage,
  RegionPolicy,
} from '../../../server/contract';

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

/** The functions of the app: the users' and the public ones (staff log in on the staff console). */
export type AppFunctionName = Exclude<FunctionsFor<'user' | 'public'>, 'staffLogin'>;

type AppEvent<N extends AppFunctionName> = N extends 'bindRelative'
  ? // The app sends the undertaking only once it is accepted.
    Omit<Contract[N]['event'], 'acceptUndertaking'> & { acceptUndertaking: true }
  : Contract[N]['event'];

export type CloudFunctions = { [N in AppFunctionName]: { event: AppEvent<N>; data: Contract[N]['data'] } };

export type FunctionName = keyof CloudFunctions;
export type EventOf<N extends FunctionName> = CloudFunctions[N]['event'];
export type DataOf<N extends FunctionName> = CloudFunctions[N]['data'];

export type ListRecordsEvent = EventOf<'listRecords'>;
