import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { staffLookup } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  ...FUNCTIONS.staffLookup,
  run: ({ app, caller }, event) => staffLookup(app, caller, event),
});
