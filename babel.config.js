// babel-preset-taro options: https://docs.taro.zone/docs/next/babel-config
//
// The H5 build targets the browsers that open it in 2026 (WeChat's built-in browser and the
// system browsers of phones from 2022 on, which know CSS cascade layers: config/prod.ts): async functions, classes, spread, optional chaining and
// `??` stay as they are instead of being rewritten for iOS 9 / Android 5 (babel-preset-taro's
// default), which made the first screen's code larger and slower to start on a slow link. The
// mini-program build keeps the preset's default targets.
const H5_TARGETS = { chrome: '99', safari: '15.4', ios: '15.4' }

module.exports = {
  presets: [
    ['taro', {
      framework: 'react',
      ts: true,
      compiler: 'webpack5',
      ...(process.env.TARO_ENV === 'h5' ? { targets: H5_TARGETS } : {}),
    }],
  ],
}
