import { useState } from 'react';
import { View, Text, Button } from '@tarojs/components';
import Taro, { useLoad, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro';
import BindingCard from '@/components/binding-card';
import ConfirmDialog from '@/components/confirm-dialog';
import ListState from '@/components/list-state';
import RecordSection from '@/components/record-section';
import { useSignedIn } from '@/hooks/useSignedIn';
import { usePagedRecords } from '@/hooks/usePagedRecords';
import { callFunction } from '@/services/cloud';
import { ROUTES, go } from '@/services/routes';
import { findBinding, useMembers } from '@/stores/members';
import './index.scss';

/** One relative: the binding, its payments (paged), unbinding with a plain confirmation. */
export default function RelativeDetailPage() {
  useSignedIn();
  const bindingId = useRouter().params.bindingId ?? '';
  const members = useMembers();
  const found = findBinding(members, bindingId);
  const role = found?.role ?? 'sharer';
  const records = usePagedRecords(bindingId && found ? { role, bindingId } : null);
  const [dialog, setDialog] = useState(false);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);

  useLoad(() => {
    if (!findBinding(useMembers.getState(), bindingId)) void useMembers.getState().load();
  });
  usePullDownRefresh(async () => {
    await Promise.all([members.load(), records.refresh()]);
    void Taro.stopPullDownRefresh();
  });
  useReachBottom(() => void records.more());

  if (!found) {
    const missing = members.status === 'ready' || members.status === 'error';
    return (
      <View className='page'>
        <ListState
          status={members.status === 'error' ? 'error' : missing ? 'ready' : 'loading'}
          count={0}
          emptyText='未找到该共济关系，可能已被删除或不属于您'
          errorText={members.error?.message}
          onRetry={() => void members.load()}
        />
      </View>
    );
  }

  const { binding } = found;
  const other = role === 'sharer' ? binding.relative.name : binding.sharer.name;

  const unbind = async () => {
    setBusy(true);
    setDialogError(null);
    const answer = await callFunction('unbindRelative', { bindingId });
    setBusy(false);
    if (!answer.ok) {
      setDialogError(answer.error.message);
      return;
    }
    members.upsert(answer.data.binding, role);
    setDialog(false);
    void Taro.showToast({ title: '已解除共济', icon: 'success' });
  };

  return (
    <View className='page relative-detail'>
      <BindingCard binding={binding} role={role} />
      <View className='relative-detail__actions'>
        <Button className='small-button small-button--plain detail-diagnose' onClick={() => go(ROUTES.diagnose, { bindingId })}>
          支付不成功？
        </Button>
        {binding.status !== 'unbound' && (
          <Button className='small-button small-button--danger detail-unbind' onClick={() => setDialog(true)}>
            {role === 'sharer' ? '解除共济' : '退出共济'}
          </Button>
        )}
      </View>

      <RecordSection
        title='支付记录'
        records={records}
        role={role}
        emptyText={role === 'sharer' ? `您的账户还没有为${other}支付过` : '还没有为您支付的记录'}
      />

      <ConfirmDialog
        open={dialog}
        title={role === 'sharer' ? `解除与${other}的家庭共济？` : `退出${other}的家庭共济？`}
        confirmText={role === 'sharer' ? '确认解除' : '确认退出'}
        tone='danger'
        busy={busy}
        error={dialogError}
        onConfirm={() => void unbind()}
        onCancel={() => {
          setDialog(false);
          setDialogError(null);
        }}
      >
        <Text className='unbind-explain'>
          {role === 'sharer'
            ? `解除后立即生效：${other}今后看病买药不能再使用您的个人账户支付。`
            : `退出后立即生效：${other}的个人账户今后不再为您支付。`}
          已经发生的支付记录会保留，你们双方仍然可以查看。如需再次共济，需要重新添加。
        </Text>
      </ConfirmDialog>
    </View>
  );
}
