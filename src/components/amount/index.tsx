import { Text } from '@tarojs/components';
import { formatFen } from '@/rules/money';
import './index.scss';

export interface AmountProps {
  /** Integer fen. */
  fen: number;
  size?: 'small' | 'medium' | 'large';
  tone?: 'default' | 'muted' | 'brand' | 'refund';
  className?: string;
}

/** An amount as `¥1,234.56` (rules' formatFen: integer arithmetic, no floats). */
export default function Amount({ fen, size = 'medium', tone = 'default', className }: AmountProps) {
  const text = tone === 'refund' ? `已退 ${formatFen(fen)}` : formatFen(fen);
  return <Text className={`amount amount--${size} amount--${tone}${className ? ` ${className}` : ''}`}>{text}</Text>;
}
