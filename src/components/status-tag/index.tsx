import { Text } from '@tarojs/components';
import { bindingStatusLabel, bindingStatusTone } from '@/rules/payability';
import type { Binding } from '@/services/cloud/types';
import './index.scss';

export type StatusTagProps = Pick<Binding, 'status' | 'canPay' | 'blockedBy'>;

/**
 * 生效 / 暂不能支付（原因） / 待确认 / 已拒绝 / 已解绑 / 已到期 (SPEC 2.9), in the words and tone
 * of the rules. The words always say it; the colour only repeats it.
 */
export default function StatusTag({ status, canPay, blockedBy }: StatusTagProps) {
  const tone = bindingStatusTone({ status, canPay });
  return <Text className={`status-tag status-tag--${status} status-tag--${tone}`}>{bindingStatusLabel({ status, canPay, blockedBy })}</Text>;
}
