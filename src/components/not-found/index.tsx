import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import { ROUTES, restart } from '@/services/routes';
import './index.scss';

export interface NotFoundProps {
  /** What is missing, in the person's words. */
  message?: string;
}

/** A page or a record that does not exist (or is not the person's): what happened and the way home. */
export default function NotFound({ message = '您要打开的页面不存在，可能链接有误或已失效。' }: NotFoundProps) {
  return (
    <View className='not-found'>
      <Text className='not-found__title'>没有找到这个页面</Text>
      <Text className='not-found__text'>{message}</Text>
      <Button className='primary-button not-found-home' onClick={() => restart(ROUTES.home)}>
        回到首页
      </Button>
      <Text className='not-found__help'>需要帮助请拨打医保服务热线 12393。</Text>
    </View>
  );
}
