import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { cursorField, limitField } from '../../server/runtime/fields';
import { listMessages } from '../../server/usecases/messages';

export const main = defineCloudFunction({
  auth: 'user',
  event: z.strictObject({
    cursor: cursorField.optional(),
    limit: limitField.optional(),
    unreadOnly: z.boolean({ message: 'unreadOnly 应为 true 或 false' }).optional(),
  }),
  run: ({ app, caller }, event) => listMessages(app, caller, event),
});
