import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro';
import Banner from '@/components/banner';
import BindingCard from '@/components/binding-card';
import ConfirmDialog from '@/components/confirm-dialog';
import ListState from '@/components/list-state';
import RecordSection from '@/components/record-section';
import { useSignedIn } from '@/hooks/useSignedIn';
import { usePagedRecords } from '@/hooks/usePagedRecords';
import { callFunction } from '@/services/cloud';
import type { Binding } from '@/services/cloud/types';
import { ROUTES, go } from '@/services/routes';
import { sortForList, useMembers } from '@/stores/members';

const RELATIVE_FILTER = { role: 'relative' } as const;

/** As a relative: whose accounts pay for me, every payment made for me; confirm or leave a binding. */
export default function CoveredPage() {
  const signedIn = useSignedIn();
  const { asRelative, status, error, load, upsert } = useMembers();
  const records = usePagedRecords(RELATIVE_FILTER);
  const [leaving, setLeaving] = useState<Binding | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [dialogError, setDialogError] = useState<string | null>(null);

  useDidShow(() => {
    if (signedIn) void load();
  });
  usePullDownRefresh(async () => {
    await Promise.all([load(), records.refresh()]);
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void records.more());

  const confirm = async (binding: Binding) => {
    setBusy(binding.bindingId);
    setBanner(null);
    const answer = await callFunction('confirmBinding', { bindingId: binding.bindingId });
    setBusy(null);
    if (!answer.ok) {
      setBanner(answer.error.message);
      return;
    }
    upsert(answer.data.binding, 'relative');
    void Taro.showToast({ title: '已确认，共济生效', icon: 'success' });
  };

  const leave = async () => {
    if (!leaving) return;
    setBusy(leaving.bindingId);
    setDialogError(null);
    const answer = await callFunction('unbindRelative', { bindingId: leaving.bindingId });
    setBusy(null);
    if (!answer.ok) {
      setDialogError(answer.error.message);
      return;
    }
    upsert(answer.data.binding, 'relative');
    setLeaving(null);
    void Taro.showToast({ title: '已退出共济', icon: 'success' });
  };

  const pending = asRelative.filter((b) => b.status === 'pending').length;

  return (
    <View className='page covered'>
      <Banner message={banner} />
      {pending > 0 && (
        <Banner tone='warning' message={`有 ${pending} 条共济关系等待您确认：确认前，对方的个人账户不会为您支付。`} />
      )}
      <Text className='section-title'>为我付费的家人</Text>
      <ListState
        status={status === 'idle' ? 'loading' : status}
        count={asRelative.length}
        emptyText='还没有家人为您开通家庭共济'
        emptyHint='参加职工医保的家人可以在“家庭共济”中添加您。'
        errorText={error?.message}
        onRetry={() => void load()}
      >
        {sortForList(asRelative).map((binding) => (
          <BindingCard
            key={binding.bindingId}
            binding={binding}
            role='relative'
            actions={
              binding.status === 'unbound' ? undefined : (
                <>
                  <Button className='small-button small-button--plain covered-diagnose' onClick={() => go(ROUTES.diagnose, { bindingId: binding.bindingId })}>
                    支付不成功？
                  </Button>
                  <Button className='small-button small-button--danger covered-leave' disabled={(busy !== null) || undefined} onClick={() => setLeaving(binding)}>
                    退出共济
                  </Button>
                  {binding.status === 'pending' && (
                    <Button
                      className='small-button small-button--primary covered-confirm'
                      loading={busy === binding.bindingId}
                      disabled={(busy !== null) || undefined}
                      onClick={() => void confirm(binding)}
                    >
                      确认共济
                    </Button>
                  )}
                </>
              )
            }
          />
        ))}
      </ListState>

      <RecordSection
        title='为我支付的记录'
        records={records}
        role='relative'
        emptyText='还没有家人的账户为您支付过'
      />

      <ConfirmDialog
        open={leaving !== null}
        title='退出这条家庭共济？'
        confirmText='确认退出'
        tone='danger'
        busy={busy !== null}
        error={dialogError}
        onConfirm={() => void leave()}
        onCancel={() => {
          setLeaving(null);
          setDialogError(null);
        }}
      >
        <Text className='leave-explain'>
          退出后立即生效：{leaving?.sharer.name}的个人账户今后不再为您支付。已经发生的支付记录会保留，你们双方仍然可以查看。如需再次共济，需要对方重新添加。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
