import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { listMembers } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  ...FUNCTIONS.listMembers,
  run: ({ app, caller }) => listMembers(app, caller),
});
