export default definePageConfig({
  navigationBarTitleText: '添加共济亲属',
});
