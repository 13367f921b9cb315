export default definePageConfig({
  navigationBarTitleText: '确认开通家庭共济',
});
