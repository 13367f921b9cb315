/**
 * Main package: home, login, verify (what every user opens first). Everything else lives in
 * subpackages, loaded when first opened: the sharer's pages (family), the relative's (relative),
 * help (diagnosis, family account) and the user's own (me: the message centre).
 */
export default defineAppConfig({
  pages: ['pages/home/index', 'pages/login/index', 'pages/verify/index', 'pages/not-found/index'],
  subPackages: [
    {
      root: 'pages/family',
      pages: ['members/index', 'relative-add/index', 'relative-confirm/index', 'relative-detail/index', 'records/index'],
    },
    {
      root: 'pages/relative',
      pages: ['covered/index'],
    },
    {
      root: 'pages/help',
      pages: ['diagnose/index', 'family-account/index'],
    },
    {
      root: 'pages/me',
      pages: ['messages/index', 'settings/index'],
    },
  ],
  // WeChat injects a page's components when the page is rendered, not all at launch.
  lazyCodeLoading: 'requiredComponents',
  window: {
    backgroundTextStyle: 'dark',
    backgroundColor: '#f5f6f8',
    navigationBarBackgroundColor: '#ffffff',
    navigationBarTitleText: '医保家庭共济',
    navigationBarTextStyle: 'black',
  },
});
