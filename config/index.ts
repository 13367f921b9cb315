import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import devConfig from './dev'
import prodConfig from './prod'

// Taro sets TARO_ENV from `--type` before this file is loaded.
// Each target gets its own output folder; a build empties only its own folder.
const taroEnv = process.env.TARO_ENV || 'weapp'

// https://docs.taro.zone/docs/config
export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'yibao-family-mutual-aid',
    date: '2026-11-24',
    designWidth: 750,
    deviceRatio: {
      640: 2.34 / 2,
      750: 1,
      375: 2,
      828: 1.81 / 2,
    },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    // Compile-time constants only; never put secrets here (they end up in the bundle).
    defineConstants: {
      // The WeChat cloud environment id the weapp build calls (Taro.cloud.init); empty: the default environment.
      CLOUD_ENV: JSON.stringify(process.env.TARO_APP_CLOUD_ENV ?? ''),
    },
    alias: {
      '@': path.resolve(__dirname, '..', 'src'),
    },
    copy: {
      patterns: [],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: {
      enable: false,
    },
    mini: {
      postcss: {
        pxtransform: {
          enable: true,
          config: {},
        },
        cssModules: {
          enable: false,
          config: {
            namingPattern: 'module',
            generateScopedName: '[name]__[local]___[hash:base64:5]',
          },
        },
      },
    },
    h5: {
      // Taro's components as plain HTML elements rendered by React (@tarojs/components-react), not
      // Stencil web components: the first screen's code is 14 KB (brotli) smaller and starts sooner
      // (issue 10 point 5). Their default styles sit in a cascade layer (config/prod.ts).
      useHtmlComponents: true,
      publicPath: '/',
      staticDirectory: 'static',
      router: {
        mode: 'hash',
      },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: {
          enable: true,
          config: {},
        },
        cssModules: {
          enable: false,
          config: {
            namingPattern: 'module',
            generateScopedName: '[name]__[local]___[hash:base64:5]',
          },
        },
      },
    },
  }

  if (process.env.NODE_ENV === 'development') {
    // `--watch` builds (dev:weapp / dev:h5): no minification, dev server proxy.
    return merge({}, baseConfig, devConfig)
  }
  // `taro build` without `--watch`: production (minified).
  return merge({}, baseConfig, prodConfig)
})
