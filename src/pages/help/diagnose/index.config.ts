export default definePageConfig({
  navigationBarTitleText: '为什么共济不成功？',
});
