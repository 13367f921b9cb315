import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { createInstitution } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  ...FUNCTIONS.createInstitution,
  run: ({ app }, event) => createInstitution(app, event),
});
