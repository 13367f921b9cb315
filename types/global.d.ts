/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.gif'
declare module '*.jpg'
declare module '*.jpeg'
declare module '*.svg'
declare module '*.css'
declare module '*.scss'
declare module '*.sass'

// This file is shared by the whole tsconfig (server/ too): keep these optional.
declare namespace NodeJS {
  interface ProcessEnv {
    /** Set by the Taro CLI: `production` for `taro build`, `development` with `--watch`. */
    NODE_ENV?: 'development' | 'production' | 'test'
    /** The platform being built (`--type`); replaced at compile time in src/, undefined in Node code. */
    TARO_ENV?: 'weapp' | 'h5'
    /** Optional: overrides the appid written into dist/weapp/project.config.json. */
    TARO_APP_ID?: string
  }
}

/** Compile-time constant (config/index.ts `defineConstants`): the WeChat cloud environment id of the weapp build. */
declare const CLOUD_ENV: string
