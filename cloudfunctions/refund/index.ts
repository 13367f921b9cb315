import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { amountFenField, serialNoField } from '../../server/runtime/fields';
import { refund } from '../../server/usecases/refund';

export const main = defineCloudFunction({
  auth: 'institution',
  event: z.strictObject({ serialNo: serialNoField, refundSerialNo: serialNoField, amountFen: amountFenField }),
  run: ({ app, caller }, event) => refund(app, caller, event),
});
