import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import { initCloud } from '@/services/cloud/init';

import './app.scss';

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // WeChat only (init.weapp.ts): the cloud environment, once. H5 talks to the gateway.
    initCloud();
  });

  // `children` is the page being rendered.
  return children;
}

export default App;
