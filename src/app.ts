import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'

import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Global start-up work (login, store hydration) goes here.
  })

  // `children` is the page being rendered.
  return children
}

export default App
