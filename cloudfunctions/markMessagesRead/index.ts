import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { objectIdField } from '../../server/runtime/fields';
import { markMessagesRead } from '../../server/usecases/messages';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    messageIds: z.array(objectIdField).max(100, '每次最多标记100条消息').optional(),
  }),
  run: ({ app, caller }, event) => markMessagesRead(app, caller, event),
});
