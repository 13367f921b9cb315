import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { settle } from '../../server/usecases/settle';

export const main = defineCloudFunction({
  ...FUNCTIONS.settle,
  run: ({ app, caller }, event) => settle(app, caller, event),
});
