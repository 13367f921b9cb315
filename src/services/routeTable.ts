/**
 * Every page's path. Main package: home, login, verify; the rest live in subpackages
 * (app.config.ts): `pages/family/` for the sharer, `pages/relative/` for the relative,
 * `pages/help/` for diagnosis and the family account, `pages/me/` for the message centre.
 */
export const ROUTES = {
  home: '/pages/home/index',
  login: '/pages/login/index',
  verify: '/pages/verify/index',
  members: '/pages/family/members/index',
  relativeAdd: '/pages/family/relative-add/index',
  relativeConfirm: '/pages/family/relative-confirm/index',
  relativeDetail: '/pages/family/relative-detail/index',
  records: '/pages/family/records/index',
  covered: '/pages/relative/covered/index',
  diagnose: '/pages/help/diagnose/index',
  familyAccount: '/pages/help/family-account/index',
  messages: '/pages/me/messages/index',
  settings: '/pages/me/settings/index',
  notFound: '/pages/not-found/index',
} as const;
