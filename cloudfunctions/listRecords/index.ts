import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { listRecords } from '../../server/usecases/records';

export const main = defineCloudFunction({
  ...FUNCTIONS.listRecords,
  run: ({ app, caller }, event) => listRecords(app, caller, event),
});
