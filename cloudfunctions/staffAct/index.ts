import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { staffAct } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  ...FUNCTIONS.staffAct,
  run: ({ app, caller }, event) => staffAct(app, caller, event),
});
