import type { ReactNode } from 'react';
import { View, Text } from '@tarojs/components';
import Amount from '@/components/amount';
import StatusTag from '@/components/status-tag';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import type { Binding } from '@/services/cloud/types';
import { formatDay } from '@/utils/date';
import { INSURANCE_TYPE_LABELS } from '@/utils/labels';
import './index.scss';

export interface BindingCardProps {
  binding: Binding;
  /** `sharer`: my relative's card (their name, what they spent); `relative`: who pays for me. */
  role: 'sharer' | 'relative';
  onTap?: () => void;
  /** Buttons under the card (confirm, leave). */
  actions?: ReactNode;
}

/** One binding with its status and what it has paid this month and in total. */
export default function BindingCard({ binding, role, onTap, actions }: BindingCardProps) {
  const person = role === 'sharer' ? binding.relative : binding.sharer;
  const relation = RELATIONSHIP_LABELS[binding.relationship];
  return (
    <View className={`binding-card binding-card--${binding.status}`} onClick={onTap}>
      <View className='binding-card__head'>
        <View className='binding-card__who'>
          <Text className='binding-card__name'>{person.name}</Text>
          <Text className='binding-card__relation'>{role === 'sharer' ? relation : `您是其${relation}`}</Text>
        </View>
        <StatusTag status={binding.status} />
      </View>
      <Text className='binding-card__id'>
        {person.idNumberMasked}
        {role === 'sharer' ? ` · ${INSURANCE_TYPE_LABELS[binding.relative.insuranceType]}` : ''}
      </Text>
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
      <Text className='binding-card__since'>
        {binding.status === 'unbound' && binding.endedAt
          ? `${formatDay(binding.createdAt)} 开通，${formatDay(binding.endedAt)} 解除`
          : `${formatDay(binding.createdAt)} 开通`}
      </Text>
      {actions && <View className='binding-card__actions'>{actions}</View>}
    </View>
  );
}
