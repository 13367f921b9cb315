import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import { amountFenField, idNumberField, serialNoField } from '../../server/runtime/fields';
import { settle } from '../../server/usecases/settle';

export const main = defineCloudFunction({
  auth: 'institution',
  event: z.strictObject({
    serialNo: serialNoField,
    patientIdNumber: idNumberField,
    kind: z.enum(['outpatient', 'inpatient', 'pharmacy'], { message: 'kind 应为 outpatient、inpatient 或 pharmacy' }),
    amountFen: amountFenField,
  }),
  run: ({ app, caller }, event) => settle(app, caller, event),
});
