import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { markMessagesRead } from '../../server/usecases/messages';

export const main = defineCloudFunction({
  ...FUNCTIONS.markMessagesRead,
  run: ({ app, caller }, event) => markMessagesRead(app, caller, event),
});
