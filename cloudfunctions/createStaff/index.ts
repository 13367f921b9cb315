import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { personNameField, staffRoleField, staffUsernameField } from '../../server/runtime/fields';
import { createStaff } from '../../server/usecases/staff';

export const main = defineCloudFunction({
  auth: 'admin',
  event: z.strictObject({ username: staffUsernameField, name: personNameField, role: staffRoleField }),
  run: ({ app }, event) => createStaff(app, event),
});
