import { FUNCTIONS } from '../../server/contract';
import { defineCloudFunction } from '../../server/runtime/define';
import { startFaceCheck } from '../../server/usecases/auth';

export const main = defineCloudFunction({
  ...FUNCTIONS.startFaceCheck,
  run: ({ app, caller }, event) => startFaceCheck(app, caller, event),
});
