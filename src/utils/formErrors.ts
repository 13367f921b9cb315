import type { ErrorCode } from '@/rules/errorCodes';
import type { CloudError } from '@/services/cloud/types';

/** Where a server error shows on a form: at one of its fields, or in the banner above it. */
export interface PlacedError<F extends string> {
  fields: Partial<Record<F, string>>;
  banner: string | null;
}

/**
 * Puts a server error at the field it concerns: the envelope's `field` when it names a field
 * of this form, else the form's own choice for that code (`byCode`), else the banner.
 */
export function placeError<F extends string>(
  error: CloudError | null | undefined,
  formFields: readonly F[],
  byCode: Partial<Record<ErrorCode, F>> = {},
): PlacedError<F> {
  if (!error) return { fields: {}, banner: null };
  const named = error.field && (formFields as readonly string[]).includes(error.field) ? (error.field as F) : undefined;
  const field = named ?? (error.code in byCode ? byCode[error.code as ErrorCode] : undefined);
  if (field) return { fields: { [field]: error.message } as Partial<Record<F, string>>, banner: null };
  return { fields: {}, banner: error.message };
}
