import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { demoGuide } from '../../server/usecases/demoGuide';

/** Development only: the demo phones and demo relatives for the login page's hint (FORBIDDEN in production). */
export const main = defineCloudFunction({
  auth: 'public',
  event: z.strictObject({}),
  run: async ({ app }) => demoGuide(app),
});
