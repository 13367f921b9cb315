import { useState } from 'react';
import { Text } from '@tarojs/components';
import ConfirmDialog from '@/components/confirm-dialog';
import TextField from '@/components/text-field';
import { formatFen } from '@/rules/money';
import { QUOTA_EXPLAIN, readQuota } from '@/rules/quota';
import { callFunction } from '@/services/cloud';
import type { Binding } from '@/services/cloud/types';
import './index.scss';

export interface QuotaDialogProps {
  open: boolean;
  /** A binding of mine as its sharer. */
  binding: Binding;
  /** My free balance (SPEC 2.11), when known: the quota can grow by at most this much. */
  freeBalanceFen?: number;
  onDone: (binding: Binding) => void;
  onCancel: () => void;
}

/** The input's first value: the current quota in yuan, or empty. */
function initialText(binding: Binding): string {
  return typeof binding.quotaFen === 'number' ? (binding.quotaFen / 100).toFixed(2) : '';
}

/**
 * Sets or changes a binding's quota (共济额度): what it means first (frozen for this relative,
 * back when the binding ends), then the new amount, then `setQuota`.
 */
export default function QuotaDialog({ open, binding, freeBalanceFen, onDone, onCancel }: QuotaDialogProps) {
  const [text, setText] = useState(() => initialText(binding));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const current = typeof binding.quotaFen === 'number' ? binding.quotaFen : null;
  const left = typeof binding.quotaLeftFen === 'number' ? binding.quotaLeftFen : 0;
  // The quota can grow by my free balance at most (what is already spent from it stays spent).
  const maxFen = freeBalanceFen === undefined ? undefined : freeBalanceFen + (current ?? 0);
  const read = readQuota(text, { optional: false, maxFen });
  const name = binding.relative.name;

  const submit = async () => {
    if (!read || !read.ok) {
      setError(read && !read.ok ? read.message : '请输入共济额度（元）');
      return;
    }
    setBusy(true);
    setError(null);
    const answer = await callFunction('setQuota', { bindingId: binding.bindingId, amountFen: read.fen });
    setBusy(false);
    if (!answer.ok) {
      setError(answer.error.message);
      return;
    }
    onDone(answer.data.binding);
  };

  return (
    <ConfirmDialog
      open={open}
      title={current === null ? `为${name}设定共济额度` : `调整${name}的共济额度`}
      confirmText={current === null ? '确认设定' : '确认调整'}
      busy={busy}
      error={error}
      onConfirm={() => void submit()}
      onCancel={() => {
        setText(initialText(binding));
        setError(null);
        onCancel();
      }}
    >
      <Text className='quota-dialog__explain'>{QUOTA_EXPLAIN}</Text>
      {current !== null && (
        <Text className='quota-dialog__now'>
          现在的额度 {formatFen(current)}，剩余 {formatFen(left)}；已用掉的部分不会退回，新的额度须不少于已用金额。
        </Text>
      )}
      {freeBalanceFen !== undefined && <Text className='quota-dialog__free'>您现在的可用余额：{formatFen(freeBalanceFen)}</Text>}
      <TextField
        label='共济额度（元）'
        value={text}
        onInput={(value) => {
          setText(value);
          setError(null);
        }}
        inputClassName='quota-input'
        type='digit'
        placeholder='例如 1000'
        maxlength={12}
        error={text.trim() !== '' && read && !read.ok ? read.message : null}
      />
    </ConfirmDialog>
  );
}
