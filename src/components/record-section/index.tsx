import { View, Text } from '@tarojs/components';
import Amount from '@/components/amount';
import ListState, { ListFooter } from '@/components/list-state';
import RecordItem from '@/components/record-item';
import type { PagedRecords } from '@/hooks/usePagedRecords';
import './index.scss';

export interface RecordSectionProps {
  title: string;
  records: PagedRecords;
  /** Whose view: the sharer sees whom they paid for, the relative whose account paid. */
  role: 'sharer' | 'relative';
  emptyText: string;
}

/** A titled, paged list of payments with the total of the whole list (relative detail, covered). */
export default function RecordSection({ title, records, role, emptyText }: RecordSectionProps) {
  return (
    <View className='record-section'>
      <View className='record-section__head'>
        <Text className='section-title'>{title}</Text>
        {records.status === 'ready' && (
          <Text className='record-section__total'>
            合计 <Amount fen={records.totalFen} size='small' />
          </Text>
        )}
      </View>
      <View className='record-section__list'>
        <ListState
          status={records.status}
          count={records.items.length}
          emptyText={emptyText}
          errorText={records.error?.message}
          onRetry={() => void records.refresh()}
        >
          {records.items.map((record) => (
            <RecordItem key={record.recordId} record={record} role={role} />
          ))}
          <ListFooter state={records.footer} errorText={records.error?.message} onMore={() => void records.more()} />
        </ListState>
      </View>
    </View>
  );
}
