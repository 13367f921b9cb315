import { z } from 'zod';
import { RELATIONSHIPS } from '../../src/rules/relationship';
import { isValidDate } from '../../src/rules/age';
import { MAX_AMOUNT_FEN } from '../../src/rules/money';
import { isPoolingRegionCode } from '../../src/rules/region';

/** Field schemas shared by the cloud functions' events. One place for each input rule. */
/**
 * Characters that show nothing, or change how the text around them shows: C0 and C1 controls
 * (Cc), format characters (Cf: zero-width space, joiners and non-joiners, LRM/RLM, the
 * bidirectional embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, U+FEFF, soft
 * hyphen, tag characters), the line and paragraph separators and the Hangul fillers. A name with
 * one looks like another name to a person. The middle dot of names such as 迪丽热巴·迪力木拉提
 * (U+00B7) is punctuation, not one of them.
 */
// eslint-disable-next-line no-misleading-character-class -- U+034F (combining grapheme joiner) is listed on its own, as one of the invisible characters
const invisible = /[\p{Cc}\p{Cf}\u2028\u2029\u034f\u115f\u1160\u3164\uffa0]/u;
const visibleOnly = (text: string): boolean => !invisible.test(text);
/** Half of a surrogate pair on its own: not text PostgreSQL can store (and jsonb refuses it outright). */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (text: string): boolean => !loneSurrogate.test(text);

export const phoneField = z.string().regex(/^1[3-9][0-9]{9}$/, '请输入11位中国大陆手机号码');
export const codeField = z.string().regex(/^[0-9]{6}$/, '验证码为6位数字');
export const personNameField = z
  .string()
  .trim()
  .min(1, '请输入姓名')
  .max(64, '姓名过长')
  .refine(visibleOnly, '姓名含有不可见字符或控制字符（如零宽字符、文字方向控制符），请删除后重新输入')
  .refine(wellFormed, '姓名含有无法识别的字符');
export const institutionNameField = z
  .string()
  .trim()
  .min(1, '请输入机构名称')
  .max(100, '机构名称过长')
  .refine(visibleOnly, '机构名称含有不可见字符或控制字符（如零宽字符、文字方向控制符），请删除后重新输入')
  .refine(wellFormed, '机构名称含有无法识别的字符');
/** Only the shape here: the ID number rules (GB 11643) run in the use case, in SPEC order. */
export const idNumberField = z.string().max(64, '身份证号码过长');
export const relationshipField = z.enum(RELATIONSHIPS, { message: '请选择与本人的关系' });
export const objectIdField = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '编号格式不正确');
export const amountFenField = z
  .number({ message: '金额应为整数（单位：分）' })
  .int('金额应为整数（单位：分）')
  .min(1, '金额至少为1分')
  .max(MAX_AMOUNT_FEN, '金额超过单笔上限');
export const serialNoField = z
  .string()
  .min(1, '请提供流水号')
  .max(64, '流水号过长')
  .regex(/^[\x21-\x7e]+$/, '流水号只能包含可见的英文字符和数字');
export const institutionCodeField = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, '机构编码只能包含字母、数字、下划线和短横线，最长32位');
/** From 1900 on: year 0 and earlier are no dates PostgreSQL (or PGlite's encoding of them) accepts. */
export const dateField = z
  .string()
  .refine((text) => isValidDate(text) && text >= '1900-01-01', '日期格式应为 YYYY-MM-DD，且不早于 1900-01-01');
export const cursorField = z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, '分页游标无效');
export const limitField = z.number().int('每页条数应为整数').min(1, '每页至少1条').max(100, '每页最多100条');
/** Six digits whose province part exists on the mainland (as setPolicy's scope), not just any six digits. */
export const poolingRegionField = z.string().refine(isPoolingRegionCode, '统筹区编码应为6位数字，且前两位是有效的省级代码');

/** A staff user name: lower-case letters first, then letters, digits, `_`, `.`, `-` (3–32). */
export const staffUsernameField = z.string().regex(/^[a-z][a-z0-9_.-]{2,31}$/, '用户名为3–32位小写字母、数字、下划线、点或短横线，以字母开头');
export const staffRoleField = z.enum(['agent', 'handler', 'supervisor'], { message: 'role 应为 agent、handler 或 supervisor' });
/** A stated reason or a paper reference: visible text, trimmed. */
export const staffTextField = (what: string, min: number, max: number) =>
  z
    .string({ message: `请填写${what}` })
    .trim()
    .min(min, `请填写${what}（至少${min}个字）`)
    .max(max, `${what}最长${max}个字`)
    .refine(visibleOnly, `${what}含有不可见字符或控制字符（如零宽字符、文字方向控制符），请删除后重新输入`)
    .refine(wellFormed, `${what}含有无法识别的字符`);
