import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { upsertPersons } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  ...FUNCTIONS.upsertPersons,
  run: ({ app }, event) => upsertPersons(app, event),
});
