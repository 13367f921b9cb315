import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { institutionCodeField } from '../../server/runtime/fields';
import { createInstitution } from '../../server/usecases/admin';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({
    code: institutionCodeField,
    name: z.string().trim().min(1, '请输入机构名称').max(100, '机构名称过长'),
    kind: z.enum(['hospital', 'pharmacy'], { message: 'kind 应为 hospital 或 pharmacy' }),
  }),
  run: ({ app }, event) => createInstitution(app, event),
});
