import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { institutionCodeField, institutionNameField } from '../../server/runtime/fields';
import { createInstitution } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
    code: institutionCodeField,
    name: institutionNameField,
    kind: z.enum(['hospital', 'pharmacy'], { message: 'kind 应为 hospital 或 pharmacy' }),
  }),
  run: ({ app }, event) => createInstitution(app, event),
});
