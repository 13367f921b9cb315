import { useState } from 'react';
import Taro from '@tarojs/taro';
import { callFunction } from '@/services/cloud';
import type { Binding, Membership } from '@/services/cloud/types';
import { useMembers } from '@/stores/members';

export type RequestAnswer = 'confirm' | 'decline' | 'notMyRelative';

export interface RequestAnswers {
  /** The id of the request being answered, or null. */
  busy: string | null;
  /** The last refusal, at the request it concerns. */
  error: { id: string; message: string } | null;
  answerBinding(binding: Binding, answer: RequestAnswer): Promise<boolean>;
  confirmMembership(membership: Membership): Promise<boolean>;
}

const TOAST: Record<RequestAnswer, string> = {
  confirm: '已同意，共济生效',
  decline: '已拒绝',
  notMyRelative: '已拒绝并阻止对方',
};

/**
 * A relative's answers to what waits for them (SPEC 2.8): confirm or decline a binding (also as
 * "not my relative"), agree to a family-account membership. A binding answered goes into the
 * members store; `onAnswered` lets the page refresh what it counts.
 */
export function useRequestAnswers(onAnswered?: () => void): RequestAnswers {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<{ id: string; message: string } | null>(null);

  const answerBinding = async (binding: Binding, answer: RequestAnswer) => {
    const { bindingId } = binding;
    setBusy(bindingId);
    setError(null);
    const result =
      answer === 'confirm'
        ? await callFunction('confirmBinding', { bindingId })
        : await callFunction('declineBinding', { bindingId, ...(answer === 'notMyRelative' ? { notMyRelative: true } : {}) });
    setBusy(null);
    if (!result.ok) {
      setError({ id: bindingId, message: result.error.message });
      return false;
    }
    useMembers.getState().upsert(result.data.binding);
    void Taro.showToast({ title: TOAST[answer], icon: 'success' });
    onAnswered?.();
    return true;
  };

  const confirmMembership = async (membership: Membership) => {
    setBusy(membership.memberId);
    setError(null);
    const result = await callFunction('confirmFamilyMember', { memberId: membership.memberId });
    setBusy(null);
    if (!result.ok) {
      setError({ id: membership.memberId, message: result.error.message });
      return false;
    }
    void Taro.showToast({ title: '已同意', icon: 'success' });
    onAnswered?.();
    return true;
  };

  return { busy, error, answerBinding, confirmMembership };
}
