export default definePageConfig({
  navigationBarTitleText: '共济亲属',
  enablePullDownRefresh: true,
});
