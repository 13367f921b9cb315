import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { clearingStatement } from '../../server/usecases/clearing';

export const main = defineCloudFunction({
  ...FUNCTIONS.clearingStatement,
  run: ({ app }, event) => clearingStatement(app, event),
});
