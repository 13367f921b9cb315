import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { listMessages } from '../../server/usecases/messages';

export const main = defineCloudFunction({
  ...FUNCTIONS.listMessages,
  run: ({ app, caller }, event) => listMessages(app, caller, event),
});
