import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { me } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.me,
  run: ({ app, caller }) => me(app, caller),
});
