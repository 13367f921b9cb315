import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { declineBinding } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  ...FUNCTIONS.declineBinding,
  run: ({ app, caller }, event) => declineBinding(app, caller, event),
});
