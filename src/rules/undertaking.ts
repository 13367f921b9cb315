/**
 * The undertaking (承诺书) a sharer accepts before binding a relative (SPEC 2.1), and what a
 * relative is told before agreeing (SPEC 2.8). The binding records the version accepted; a
 * changed text gets a new version.
 */
export const UNDERTAKING = Object.freeze({
  version: '2026-01',
  title: '家庭共济承诺书',
  paragraphs: Object.freeze([
    '本人承诺：所添加的共济亲属与本人确为所选择的亲属关系，所填写的姓名和身份证号码真实、准确。',
    '本人知晓：共济亲属就医购药时，可使用本人职工医保个人账户的余额支付；已支付的费用不予退回本人，机构退费时按原路退回。',
    '本人知晓：共济亲属年满 16 周岁的，须由其本人确认后共济关系才生效；亲属本人可以拒绝，也可以随时解除。',
    '如有虚构亲属关系、冒用他人身份等行为，本人愿承担由此产生的法律责任，医保部门可终止共济关系并追回相应费用。',
  ]),
});

/** Shown to a relative who is asked to agree: what the sharer will see once they agree. */
export const CONSENT_DISCLOSURE =
  '同意后，对方能看到由其账户为您支付的每笔费用：时间、医院或药店、类型（门诊、住院、药店购药）和金额。对方看不到您自己账户的余额，也看不到其他人为您支付的费用。您可以随时解除共济关系。';

/** What the sharer sees of a binding that waits for the relative. */
export const PENDING_NOTE = '等待亲属本人确认。确认前不会用您的账户支付，您也看不到对方的任何就医信息。';
