import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { listAudit } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  ...FUNCTIONS.listAudit,
  run: ({ app }, event) => listAudit(app, event),
});
