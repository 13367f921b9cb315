import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { bindRelative } from '../../server/usecases/bindings';

export const main = defineCloudFunction({
  ...FUNCTIONS.bindRelative,
  run: ({ app, caller }, event) => bindRelative(app, caller, event),
});
