import { Text } from '@tarojs/components';
import type { BindingStatus } from '@/services/cloud/types';
import { BINDING_STATUS_LABELS } from '@/utils/labels';
import './index.scss';

/** 生效 / 待确认 / 已解绑 */
export default function StatusTag({ status }: { status: BindingStatus }) {
  return <Text className={`status-tag status-tag--${status}`}>{BINDING_STATUS_LABELS[status]}</Text>;
}
