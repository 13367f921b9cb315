import { View, Text } from '@tarojs/components';
import Amount from '@/components/amount';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import type { PaymentRecord } from '@/services/cloud/types';
import { formatDateTime } from '@/utils/date';
import { RECORD_KIND_LABELS } from '@/utils/labels';
import './index.scss';

export interface RecordItemProps {
  record: PaymentRecord;
  /** `sharer`: for whom I paid; `relative`: whose account paid for me. */
  role: 'sharer' | 'relative';
}

/** One mutual-aid payment: where, for whom (or by whom), when, how much, refunds. */
export default function RecordItem({ record, role }: RecordItemProps) {
  const relation = RELATIONSHIP_LABELS[record.relationship];
  const who =
    role === 'sharer'
      ? `为${relation} ${record.relative.name} 支付`
      : `${record.sharer.name}（您是其${relation}）的账户支付`;
  return (
    <View className='record-item'>
      <View className='record-item__main'>
        <Text className='record-item__place'>{record.institutionName}</Text>
        <Amount fen={record.amountFen} size='medium' />
      </View>
      <View className='record-item__meta'>
        <Text className='record-item__kind'>{RECORD_KIND_LABELS[record.kind]}</Text>
        <Text className='record-item__who'>{who}</Text>
      </View>
      <View className='record-item__meta'>
        <Text className='record-item__time'>{formatDateTime(record.paidAt)}</Text>
        {record.refundedFen > 0 && <Amount fen={record.refundedFen} size='small' tone='refund' />}
      </View>
    </View>
  );
}
