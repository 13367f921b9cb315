import { useState } from 'react';
import { View, Text } from '@tarojs/components';
import { Button } from '@/components/button';
import ConfirmDialog from '@/components/confirm-dialog';
import type { RequestAnswer, RequestAnswers } from '@/hooks/useRequestAnswers';
import { RELATIONSHIP_LABELS } from '@/rules/relationship';
import { CONSENT_DISCLOSURE } from '@/rules/undertaking';
import type { Binding, Membership } from '@/services/cloud/types';
import { formatDay } from '@/utils/date';
import './index.scss';

export type PendingRequest = { kind: 'binding'; binding: Binding } | { kind: 'membership'; membership: Membership };

export interface ConsentRequestProps {
  request: PendingRequest;
  answers: RequestAnswers;
}

/** What the owner of a family account may do once the member agrees (SPEC 2.5, 2.8). */
const MEMBERSHIP_DISCLOSURE =
  '同意后，对方可以在其手机上为您出示您本人的医保码，用于看病买药；花的是您自己的医保待遇，不会动用对方的个人账户。';
const MEMBERSHIP_NO_ANSWER = '如不同意，无需操作：您同意之前，对方不能出示您的医保码。';

export function requestId(request: PendingRequest): string {
  return request.kind === 'binding' ? request.binding.bindingId : request.membership.memberId;
}

/**
 * A request that waits for me (SPEC 2.8): who asks (name masked), the relationship they claim,
 * what they will see, and my answers. Refusing asks once more; "not my relative" says that it
 * blocks that person for 180 days.
 */
export default function ConsentRequest({ request, answers }: ConsentRequestProps) {
  const [asking, setAsking] = useState<Exclude<RequestAnswer, 'confirm'> | null>(null);
  const id = requestId(request);
  const busy = answers.busy === id;
  const anyBusy = answers.busy !== null;
  const error = answers.error?.id === id ? answers.error.message : null;

  const who = request.kind === 'binding' ? request.binding.sharer : request.membership.owner;
  const relationship = request.kind === 'binding' ? request.binding.relationship : request.membership.relationship;
  const createdAt = request.kind === 'binding' ? request.binding.createdAt : request.membership.createdAt;

  const answer = async (choice: RequestAnswer) => {
    if (request.kind === 'binding') {
      const done = await answers.answerBinding(request.binding, choice);
      if (done) setAsking(null);
    } else if (choice === 'confirm') {
      await answers.confirmMembership(request.membership);
    }
  };

  return (
    <View className={`consent-request consent-request--${request.kind}`}>
      <Text className='consent-request__title'>
        {request.kind === 'binding' ? '申请用其个人账户为您支付医药费用（家庭共济）' : '想把您加入其亲情账户'}
      </Text>
      <View className='consent-request__row'>
        <Text className='consent-request__label'>申请人</Text>
        <Text className='consent-request__value request-who'>
          {who.name}（{who.idNumberMasked}）
        </Text>
      </View>
      <View className='consent-request__row'>
        <Text className='consent-request__label'>对方填写的关系</Text>
        <Text className='consent-request__value request-relation'>您是其{RELATIONSHIP_LABELS[relationship]}</Text>
      </View>
      <View className='consent-request__row'>
        <Text className='consent-request__label'>申请时间</Text>
        <Text className='consent-request__value'>{formatDay(createdAt)}</Text>
      </View>
      <Text className='consent-request__disclosure request-disclosure'>
        {request.kind === 'binding' ? CONSENT_DISCLOSURE : MEMBERSHIP_DISCLOSURE}
      </Text>
      {error && <Text className='consent-request__error'>{error}</Text>}
      <View className='consent-request__buttons'>
        <Button className='consent-request__button request-confirm' loading={busy && asking === null} disabled={anyBusy || undefined} onClick={() => void answer('confirm')}>
          同意
        </Button>
        {request.kind === 'binding' && (
          <>
            <Button className='consent-request__button request-decline' disabled={anyBusy || undefined} onClick={() => setAsking('decline')}>
              拒绝
            </Button>
            <Button className='consent-request__button request-not-mine' disabled={anyBusy || undefined} onClick={() => setAsking('notMyRelative')}>
              不是我的亲属
            </Button>
          </>
        )}
      </View>
      {request.kind === 'membership' && <Text className='consent-request__hint'>{MEMBERSHIP_NO_ANSWER}</Text>}

      <ConfirmDialog
        open={asking !== null}
        title={asking === 'notMyRelative' ? `${who.name}不是您的亲属？` : '拒绝这条共济申请？'}
        confirmText={asking === 'notMyRelative' ? '确认不是我的亲属' : '确认拒绝'}
        tone='danger'
        busy={busy}
        error={error}
        onConfirm={() => asking && void answer(asking)}
        onCancel={() => setAsking(null)}
      >
        <Text className='request-dialog-text'>
          {asking === 'notMyRelative'
            ? `确认后将拒绝这条申请，并且 180 天内${who.name}不能再申请为您开通家庭共济。如果有人冒用您的身份信息，请拨打医保服务热线 12393。`
            : '拒绝后共济关系不会建立，对方的账户不会为您支付。如果确是亲属，对方以后可以重新申请。'}
        </Text>
      </ConfirmDialog>
    </View>
  );
}
