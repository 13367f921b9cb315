/**
 * The quota (共济额度, SPEC 2.11) as the app explains it and reads it from a form. The server
 * decides; these are the words and the first check of what a person typed.
 */
import { MAX_AMOUNT_FEN, formatFen, parseYuanToFen } from './money';

/** What a quota is, wherever one is set. */
export const QUOTA_EXPLAIN =
  '共济额度是您从个人账户中为这位亲属单独留出的钱：设定后即被冻结，只能用于这位亲属看病买药，您本人和其他亲属都不能使用；用掉的部分会减少，退费会退回额度；解除共济或共济关系自动终止时，剩余额度立即退回您的可用余额。';

/** Why a relative in another province needs one. */
export const QUOTA_CROSS_PROVINCE =
  '亲属在外省参保时，只能通过共济额度共济（2026 年起全国推行的跨省共济）。同省亲属可以不设额度，按可用余额共济。';

export type QuotaInput = { ok: true; fen: number } | { ok: false; message: string };

/**
 * A quota typed in yuan. `optional` allows an empty field (no quota); `freeFen`, when known,
 * is the most the sharer can set aside now (their free balance plus what this quota holds already).
 */
export function readQuota(text: string, options: { optional: boolean; maxFen?: number }): QuotaInput | null {
  if (text.trim() === '') return options.optional ? null : { ok: false, message: '请输入共济额度（元）' };
  const fen = parseYuanToFen(text);
  if (fen === null) return { ok: false, message: '请输入正确的金额，例如 500 或 500.50' };
  if (fen < 1n) return { ok: false, message: '共济额度至少 0.01 元' };
  if (fen > BigInt(MAX_AMOUNT_FEN)) return { ok: false, message: `共济额度不能超过 ${formatFen(MAX_AMOUNT_FEN)}` };
  if (options.maxFen !== undefined && fen > BigInt(options.maxFen)) {
    return { ok: false, message: `共济额度不能超过您现在可用的 ${formatFen(options.maxFen)}` };
  }
  return { ok: true, fen: Number(fen) };
}

/** "额度 ¥500.00，剩余 ¥380.00" */
export function quotaSummary(quotaFen: number, leftFen: number): string {
  return `共济额度 ${formatFen(quotaFen)}，剩余 ${formatFen(leftFen)}`;
}
