import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import Amount from '@/components/amount';
import StatusTag from '@/components/status-tag';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import { PENDING_NOTE } from '@/rules/undertaking';
import { quotaSummary } from '@/rules/quota';
import type { Binding } from '@/services/cloud/types';
import { formatCalendarDay, formatDay } from '@/utils/date';
import { INSURANCE_TYPE_LABELS } from '@/utils/labels';
import './index.scss';

export interface BindingCardProps {
  /** Its `viewerRole` decides the view: `sharer`, my relative's card; `relative`, who pays for me. */
  binding: Binding;
  onTap?: () => void;
  /** Buttons under the card (leave, diagnose). */
  actions?: ReactNode;
}

/** Who ended it, as the viewer reads it. */
function endedByText(binding: Binding): string {
  const by = binding.endedBy;
  if (by === undefined) return '';
  if (by === binding.viewerRole) return '（由您解除）';
  if (by === 'sharer' || by === 'relative') return '（由对方解除）';
  if (by === 'system') {
    if (binding.endedReason === 'insurance_ended') return '（一方医保参保关系终止，自动解除）';
    if (binding.endedReason === 'region_moved') return '（一方医保关系转移到其他统筹地区，自动解除）';
    return '（参保关系变化，自动解除）';
  }
  return '（由医保经办机构解除）';
}

/** When it began and how it stands or ended. */
export function bindingDates(binding: Binding): string {
  const since = formatDay(binding.createdAt);
  const ended = binding.endedAt ? formatDay(binding.endedAt) : null;
  switch (binding.status) {
    case 'pending':
      return `${since} 申请`;
    case 'declined':
      return ended ? `${since} 申请，${ended} 被拒绝` : `${since} 申请`;
    case 'unbound':
      return ended ? `${since} 开通，${ended} 解除${endedByText(binding)}` : `${since} 开通`;
    case 'expired': {
      const on = binding.endsOn ? formatCalendarDay(binding.endsOn) : ended;
      return on ? `${since} 开通，${on} 到期` : `${since} 开通`;
    }
    case 'active':
      return binding.endsOn ? `${since} 开通，有效期至 ${formatCalendarDay(binding.endsOn)}` : `${since} 开通`;
  }
}

/** A live binding with a quota (an ended one has returned it). */
export function hasQuota(binding: Binding): binding is Binding & { quotaFen: number; quotaLeftFen: number } {
  const live = binding.status === 'active' || binding.status === 'pending';
  return live && typeof binding.quotaFen === 'number' && typeof binding.quotaLeftFen === 'number';
}

/** One binding with its status (SPEC 2.9) and what it has paid this month and in total. */
export default function BindingCard({ binding, onTap, actions }: BindingCardProps) {
  const asSharer = binding.viewerRole === 'sharer';
  const person = asSharer ? binding.relative : binding.sharer;
  const relation = RELATIONSHIP_LABELS[binding.relationship];
  // Nothing was ever paid under a request that waits or was refused: no amounts to show.
  const neverPaid = binding.status === 'pending' || binding.status === 'declined';
  return (
    <View className={`binding-card binding-card--${binding.status}`} onClick={onTap}>
      <View className='binding-card__head'>
        <View className='binding-card__who'>
          <Text className='binding-card__name'>{person.name}</Text>
          <Text className='binding-card__relation'>{asSharer ? relation : `您是其${relation}`}</Text>
        </View>
        <StatusTag status={binding.status} canPay={binding.canPay} blockedBy={binding.blockedBy} />
      </View>
      <Text className='binding-card__id'>
        {person.idNumberMasked}
        {asSharer ? ` · ${INSURANCE_TYPE_LABELS[binding.relative.insuranceType]}` : ''}
      </Text>
      {asSharer && binding.status === 'pending' && <Text className='binding-card__note binding-card__note--pending'>{PENDING_NOTE}</Text>}
      {!neverPaid && (
        <View className='binding-card__numbers'>
          <View className='binding-card__number'>
            <Text className='binding-card__caption'>本月共济</Text>
            <Amount fen={binding.spentThisMonthFen} size='medium' />
          </View>
          <View className='binding-card__number'>
            <Text className='binding-card__caption'>累计共济</Text>
            <Amount fen={binding.spentFen} size='medium' />
          </View>
        </View>
      )}
      {hasQuota(binding) && (
        <Text className='binding-card__quota'>
          {quotaSummary(binding.quotaFen, binding.quotaLeftFen)}
          {binding.status === 'active' && binding.quotaLeftFen === 0 ? '（额度已用完）' : ''}
        </Text>
      )}
      <Text className='binding-card__since'>{bindingDates(binding)}</Text>
      {actions && <View className='binding-card__actions'>{actions}</View>}
    </View>
  );
}
