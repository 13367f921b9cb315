export default definePageConfig({
  navigationBarTitleText: '亲情账户与家庭共济',
  enablePullDownRefresh: true,
});
