import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { payPremium } from '../../server/usecases/premium';

export const main = defineCloudFunction({
  ...FUNCTIONS.payPremium,
  run: ({ app, caller }, event) => payPremium(app, caller, event),
});
