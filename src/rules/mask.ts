/**
 * Masking of personal data wherever it is listed or logged (SPEC 2.3).
 * Lengths are counted in characters (code points), so names with rare
 * characters outside the BMP are masked correctly.
 */
import { ID_NUMBER_PATTERN } from './idNumber';

const stars = (n: number): string => '*'.repeat(Math.max(0, n));

/**
 * Shows `head` leading and `tail` trailing characters and masks the rest,
 * keeping the length, when the value has at least `minLength` characters.
 * Shorter values show only their first and last character, and values of one
 * or two characters are masked completely.
 */
function maskEnds(value: unknown, head: number, tail: number, minLength: number): string {
  const c = Array.from(String(value ?? '').trim());
  const n = c.length;
  if (n >= minLength) return c.slice(0, head).join('') + stars(n - head - tail) + c.slice(n - tail).join('');
  if (n >= 3) return (c[0] ?? '') + stars(n - 2) + (c[n - 1] ?? '');
  return stars(n);
}

/**
 * `11010519491231002X` → `1101**********002X`: first 4 and last 4, length kept.
 * Never reveals more than 8 characters; values shorter than 15 characters show
 * only their first and last character.
 */
export function maskIdNumber(id: string): string {
  return maskEnds(id, 4, 4, 15);
}

/**
 * `13800138000` → `138****8000`: first 3 and last 4, length kept. Shorter
 * values show only their first and last character.
 */
export function maskPhone(phone: string): string {
  return maskEnds(phone, 3, 4, 11);
}

/**
 * `张三` → `张*`, `欧阳娜娜` → `欧***`: the first character and one `*` for each
 * other character. A one-character name also becomes first character + `*`, so
 * that the mask does not reveal that the name has a single character.
 */
export function maskName(name: string): string {
  const c = Array.from(String(name ?? '').trim());
  const first = c[0];
  if (first === undefined) return '';
  return first + stars(Math.max(1, c.length - 1));
}

/** Replaces every ID-number-shaped substring of `text` by its masked form. */
export function scrubIdNumbers(text: string): string {
  // A fresh RegExp: the shared global pattern's lastIndex is never touched.
  return String(text).replace(
    new RegExp(ID_NUMBER_PATTERN.source, 'g'),
    (_match: string, before: string, id: string) => before + maskIdNumber(id),
  );
}
