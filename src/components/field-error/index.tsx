import { View } from '@tarojs/components';
import './index.scss';

/** The message under a form field; nothing when there is none. */
export default function FieldError({ message }: { message?: string | null }) {
  if (!message) return null;
  return <View className='field-error'>{message}</View>;
}
