export default definePageConfig({
  navigationBarTitleText: '医保家庭共济',
  enablePullDownRefresh: true,
});
