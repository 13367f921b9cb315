import { z } from 'zod';
import { defineCloudFunction } from '../../server/runtime/define';
import {
  dateField,
  idNumberField,
  objectIdField,
  personNameField,
  phoneField,
  relationshipField,
  staffTextField,
} from '../../server/runtime/fields';
import { staffAct } from '../../server/usecases/staff';

const common = {
  personIdNumber: idNumberField,
  evidence: z.strictObject({
    kind: z.enum(['id_card', 'undertaking', 'power_of_attorney'], { message: 'evidence.kind 应为 id_card、undertaking 或 power_of_attorney' }),
    ref: staffTextField('凭证编号', 1, 64),
  }),
};

export const main = defineCloudFunction({
  auth: 'staff',
  staffRole: 'handler',
  event: z.discriminatedUnion(
    'action',
    [
      z.strictObject({ action: z.literal('linkIdentity'), ...common, phone: phoneField }),
      z.strictObject({
        action: z.literal('bindRelative'),
        ...common,
        name: personNameField,
        idNumber: idNumberField,
        relationship: relationshipField,
        endsOn: dateField.optional(),
      }),
      z.strictObject({ action: z.literal('confirmBinding'), ...common, bindingId: objectIdField }),
      z.strictObject({ action: z.literal('declineBinding'), ...common, bindingId: objectIdField, notMyRelative: z.boolean().optional() }),
      z.strictObject({ action: z.literal('unbindRelative'), ...common, bindingId: objectIdField }),
      z.strictObject({ action: z.literal('addFamilyMember'), ...common, name: personNameField, idNumber: idNumberField, relationship: relationshipField }),
      z.strictObject({ action: z.literal('removeFamilyMember'), ...common, memberId: objectIdField }),
    ],
    { message: 'action 应为 linkIdentity、bindRelative、confirmBinding、declineBinding、unbindRelative、addFamilyMember 或 removeFamilyMember' },
  ),
  run: ({ app, caller }, event) => staffAct(app, caller, event),
});
