import { View } from '@tarojs/components';
import NotFound from '@/components/not-found';
import TitleBar from '@/components/title-bar';
import { useDisplay } from '@/hooks/useDisplay';

/** Where unknown routes land (app.ts, usePageNotFound): never a blank page. */
export default function NotFoundPage() {
  const { rootClass } = useDisplay();
  return (
    <View className={`page not-found-page ${rootClass}`}>
      <TitleBar title='页面不存在' />
      <NotFound />
    </View>
  );
}
