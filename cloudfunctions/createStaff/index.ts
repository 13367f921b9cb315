import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { createStaff } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  ...FUNCTIONS.createStaff,
  run: ({ app }, event) => createStaff(app, event),
});
