import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { showFamilyCode } from '../../server/usecases/familyAccount';

/** Not in SPEC 3.2's table: the short-lived medical code of a family-account member (SPEC 2.5). */
export const main = defineCloudFunction({
  ...FUNCTIONS.showFamilyCode,
  run: ({ app, caller }, event) => showFamilyCode(app, caller, event),
});
