export default definePageConfig({
  navigationBarTitleText: '为我支付的共济',
  enablePullDownRefresh: true,
});
