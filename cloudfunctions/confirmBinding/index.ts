import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { confirmBinding } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  ...FUNCTIONS.confirmBinding,
  run: ({ app, caller }, event) => confirmBinding(app, caller, event),
});
