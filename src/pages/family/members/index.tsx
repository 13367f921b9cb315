import { View, Text, Button } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import Amount from '@/components/amount';
import BindingCard from '@/components/binding-card';
import ListState from '@/components/list-state';
import { useSignedIn } from '@/hooks/useSignedIn';
import { ROUTES, go } from '@/services/routes';
import { countByStatus, sortForList, useMembers } from '@/stores/members';
import { useRelativeDraft } from '@/stores/relativeDraft';
import './index.scss';

/** The sharer's relatives: status, spent this month and in total; add one; open one. */
export default function MembersPage() {
  const signedIn = useSignedIn();
  const { asSharer, status, error, load } = useMembers();

  useDidShow(() => {
    if (signedIn) void load();
  });
  usePullDownRefresh(async () => {
    await load();
    void Taro.stopPullDownRefresh();
  });

  const counts = countByStatus(asSharer);
  const ordered = sortForList(asSharer);
  const monthTotal = asSharer.reduce((sum, b) => sum + b.spentThisMonthFen, 0);
  const total = asSharer.reduce((sum, b) => sum + b.spentFen, 0);

  const add = () => {
    useRelativeDraft.getState().reset();
    go(ROUTES.relativeAdd);
  };

  return (
    <View className='page members'>
      <View className='card members-summary'>
        <View className='members-summary__numbers'>
          <View className='members-summary__number'>
            <Text className='members-summary__caption'>本月共济</Text>
            <Amount fen={monthTotal} size='medium' tone='brand' />
          </View>
          <View className='members-summary__number'>
            <Text className='members-summary__caption'>累计共济</Text>
            <Amount fen={total} size='medium' />
          </View>
        </View>
        <Text className='members-summary__counts'>
          生效 {counts.active} 人 · 待确认 {counts.pending} 人 · 已解绑 {counts.unbound} 人
        </Text>
        <Button className='primary-button members-add' onClick={add}>
          添加共济亲属
        </Button>
      </View>

      <Text className='section-title'>我的共济亲属</Text>
      <ListState
        status={status === 'idle' ? 'loading' : status}
        count={asSharer.length}
        emptyText='还没有添加共济亲属'
        emptyHint='添加后，亲属看病买药时可以用您的职工医保个人账户余额支付。'
        errorText={error?.message}
        onRetry={() => void load()}
      >
        {ordered.map((binding) => (
          <BindingCard
            key={binding.bindingId}
            binding={binding}
            role='sharer'
            onTap={() => go(ROUTES.relativeDetail, { bindingId: binding.bindingId })}
          />
        ))}
      </ListState>
      <View className='members__links'>
        <Text className='text-button members-records' onClick={() => go(ROUTES.records)}>
          查看全部支付记录
        </Text>
      </View>
    </View>
  );
}
