import type { UserConfigExport } from '@tarojs/cli'
import path from 'node:path'
import { H5DeliveryPlugin } from './h5-delivery'

export default {
  mini: {},
  h5: {
    webpackChain(chain) {
      // Taro splits only the initial chunks ('initial'): each lazily loaded page then carried its
      // own copy of every shared module (Taro's components, our components and stores), 100–190 KB
      // a page. 'all' puts what two or more pages share into shared chunks, fetched once.
      const splitChunks = chain.optimization.get('splitChunks') as Record<string, unknown>
      chain.optimization.splitChunks({ ...splitChunks, chunks: 'all', minSize: 8192 })
      // Taro's HTML components bring their own look; in a cascade layer it gives way to the app's.
      chain.module
        .rule('taro-components-layer')
        .test(/[\\/]@tarojs[\\/]components-react[\\/]dist[\\/].*\.css$/)
        .enforce('pre')
        .use('css-layer')
        .loader(path.join(__dirname, 'css-layer-loader.cjs'))
      // Preloads of the first pages, a prefetch of the others, precompressed .br/.gz copies.
      chain.plugin('h5-delivery').use(H5DeliveryPlugin)
    },
  },
} satisfies UserConfigExport<'webpack5'>
