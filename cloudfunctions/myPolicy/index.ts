import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { myPolicy } from '../../server/usecases/myPolicy';

/** Not in SPEC 3.2's table: the caller's region policy, for the add-relative form's choices. */
export const main = defineCloudFunction({
  ...FUNCTIONS.myPolicy,
  run: ({ app, caller }) => myPolicy(app, caller),
});
