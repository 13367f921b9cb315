import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { unbindRelative } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  ...FUNCTIONS.unbindRelative,
  run: ({ app, caller }, event) => unbindRelative(app, caller, event),
});
