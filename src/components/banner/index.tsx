import { View, Text } from '@tarojs/components';
import './index.scss';

export interface BannerProps {
  message: string | null | undefined;
  tone?: 'error' | 'warning' | 'info';
  className?: string;
}

/** A message for the whole page or form (errors that concern no single field). */
export default function Banner({ message, tone = 'error', className }: BannerProps) {
  if (!message) return null;
  return (
    <View className={`banner banner--${tone}${className ? ` ${className}` : ''}`}>
      <Text className='banner__text'>{message}</Text>
    </View>
  );
}
