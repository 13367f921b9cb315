export default definePageConfig({
  navigationBarTitleText: '共济支付记录',
  enablePullDownRefresh: true,
});
