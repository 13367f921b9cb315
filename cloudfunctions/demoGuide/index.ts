import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { demoGuide } from '../../server/usecases/demoGuide';

/** Development only: the demo phones and demo relatives for the login page's hint (FORBIDDEN in production). */
export const main = defineCloudFunction({
  ...FUNCTIONS.demoGuide,
  run: async ({ app }) => demoGuide(app),
});
