import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { diagnose } from '../../server/usecases/diagnose';

export const main = defineCloudFunction({
  ...FUNCTIONS.diagnose,
  run: ({ app, caller }, event) => diagnose(app, caller, event),
});
