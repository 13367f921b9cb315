import type { PropsWithChildren } from 'react';
import Taro, { useLaunch, usePageNotFound } from '@tarojs/taro';
import { ROUTES } from '@/services/routeTable';
import { initCloud } from '@/services/cloud/init';

import './app.scss';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // WeChat only (init.weapp.ts): the cloud environment, once. H5 talks to the gateway.
    initCloud();
  });

  // An unknown route (a mistyped or stale link) shows a page with the way home, never a blank page.
  usePageNotFound(() => {
    void Taro.redirectTo({ url: ROUTES.notFound });
  });

  // `children` is the page being rendered.
  return children;
}

export default App;
