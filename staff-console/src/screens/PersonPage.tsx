import { useState } from 'react';
import { ApiError, staffApi } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import {
  actionLabel,
  eventLabel,
  RISK_LABELS,
  bindingStatusTone,
  canAct,
  checkAct,
  checkEvidence,
  describeAct,
  EVIDENCE_LABELS,
  formatFen,
  formatInstant,
  INSURANCE_TYPE_LABELS,
  PERSON_STATUS_LABELS,
  RECORD_KIND_LABELS,
  regionLabel,
  relationshipLabel,
  statusText,
} from '../logic';
import { RELATIONSHIPS } from '@/rules/relationship';
import type { ActRequest, Binding, Evidence, EvidenceKind, LookupData, Relationship, Role } from '../types';

interface Props {
  data: LookupData;
  /** The full ID number, kept in memory for the acts; never shown. */
  personIdNumber: string;
  token: string;
  role: Role;
  /** After a successful act: look the person up again. */
  onActed(message: string): void;
  onAuthLost(error: ApiError): void;
}

interface PendingAct {
  request: ActRequest;
  evidence: Evidence;
  title: string;
  lines: string[];
}

function StatusTag({ binding }: { binding: Binding }) {
  return <span className={`tag tag--${bindingStatusTone(binding)}`}>{statusText(binding)}</span>;
}

function Section({ id, title, children, count }: { id: string; title: string; count?: number; children: React.ReactNode }) {
  return (
    <section className="card section" aria-labelledby={id}>
      <h3 id={id}>
        {title}
        {count !== undefined ? <span className="count">（{count}）</span> : null}
      </h3>
      {children}
    </section>
  );
}

function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function PersonPage({ data, personIdNumber, token, role, onActed, onAuthLost }: Props) {
  const { person } = data;
  const acting = canAct(role);
  const [evidence, setEvidence] = useState<Evidence>({ kind: 'id_card', ref: '' });
  const [pending, setPending] = useState<PendingAct | null>(null);
  const [busy, setBusy] = useState(false);
  const [dialogError, setDialogError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [phone, setPhone] = useState('');
  const [bind, setBind] = useState<{ name: string; idNumber: string; relationship: Relationship; endsOn: string; undertakingRef: string }>({
    name: '',
    idNumber: '',
    relationship: 'child',
    endsOn: '',
    undertakingRef: '',
  });
  const [member, setMember] = useState<{ name: string; idNumber: string; relationship: Relationship }>({ name: '', idNumber: '', relationship: 'parent' });

  /** Checks the act and its evidence, then opens the confirmation that says what will happen. */
  const propose = (request: ActRequest, title: string, options: { evidence?: Evidence; binding?: Binding; memberName?: string } = {}) => {
    const used = options.evidence ?? evidence;
    const problem = checkAct(request) ?? checkEvidence(used);
    if (problem) {
      setFormError(problem);
      document.getElementById('act-error')?.focus();
      return;
    }
    setFormError(null);
    setDialogError(null);
    setPending({ request, evidence: { kind: used.kind, ref: used.ref.trim() }, title, lines: describeAct(person, request, used, options) });
  };

  const run = async () => {
    if (!pending) return;
    setBusy(true);
    setDialogError(null);
    try {
      await staffApi.act(token, personIdNumber, pending.evidence, pending.request);
      const done = `${actionLabel(pending.request.action)}已办理完成。`;
      setPending(null);
      if (pending.request.action === 'linkIdentity') setPhone('');
      if (pending.request.action === 'bindRelative') setBind({ name: '', idNumber: '', relationship: 'child', endsOn: '', undertakingRef: '' });
      if (pending.request.action === 'addFamilyMember') setMember({ name: '', idNumber: '', relationship: 'parent' });
      onActed(done);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'UNAUTHENTICATED') {
        setPending(null);
        onAuthLost(caught);
        return;
      }
      setDialogError(caught instanceof ApiError ? caught.message : '办理失败，请重试');
    } finally {
      setBusy(false);
    }
  };

  const bindingRows = (bindings: Binding[], side: 'sharer' | 'relative') =>
    bindings.length === 0 ? (
      <Empty>{side === 'sharer' ? '没有为亲属共济的记录。' : '没有亲属为其共济。'}</Empty>
    ) : (
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{side === 'sharer' ? '被共济人' : '共济人'}</th>
            <th scope="col">关系</th>
            <th scope="col">状态</th>
            <th scope="col">参保地</th>
            <th scope="col">已共济金额</th>
            <th scope="col">建立时间</th>
            {acting ? <th scope="col">代办</th> : null}
          </tr>
        </thead>
        <tbody>
          {bindings.map((b) => {
            const other = side === 'sharer' ? b.relative : b.sharer;
            const open = b.status === 'active' || b.status === 'pending';
            return (
              <tr key={b.bindingId} data-binding={b.bindingId}>
                <td>
                  {other.name}
                  <div className="muted small">{other.idNumberMasked}</div>
                </td>
                <td>{relationshipLabel(b.relationship)}</td>
                <td>
                  <StatusTag binding={b} />
                  {b.endsOn ? <div className="muted small">有效期至 {b.endsOn}</div> : null}
                  {b.endedAt ? <div className="muted small">结束于 {formatInstant(b.endedAt)}</div> : null}
                </td>
                <td>{regionLabel(b.relative.poolingRegion)}</td>
                <td className="amount">{formatFen(b.spentFen)}</td>
                <td>{formatInstant(b.createdAt)}</td>
                {acting ? (
                  <td>
                    <div className="row-actions">
                    {side === 'relative' && b.status === 'pending' ? (
                      <>
                        <button type="button" className="button button--small" onClick={() => propose({ action: 'confirmBinding', fields: { bindingId: b.bindingId } }, '代为同意共济', { binding: b })}>
                          代为同意
                        </button>
                        <button type="button" className="button button--small button--secondary" onClick={() => propose({ action: 'declineBinding', fields: { bindingId: b.bindingId } }, '代为拒绝共济', { binding: b })}>
                          代为拒绝
                        </button>
                        <button
                          type="button"
                          className="button button--small button--danger"
                          onClick={() => propose({ action: 'declineBinding', fields: { bindingId: b.bindingId, notMyRelative: true } }, '拒绝并登记“不是我的亲属”', { binding: b })}
                        >
                          不是其亲属
                        </button>
                      </>
                    ) : null}
                    {open ? (
                      <button type="button" className="button button--small button--danger" onClick={() => propose({ action: 'unbindRelative', fields: { bindingId: b.bindingId } }, '解除共济关系', { binding: b })}>
                        解除共济
                      </button>
                    ) : null}
                    {!open ? <span className="muted small">无可办理事项</span> : null}
                    </div>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    );

  const staffActs = data.staffActs;
  return (
    <div className="person">
      <section className="card person__head" aria-labelledby="person-title">
        <h2 id="person-title" tabIndex={-1}>
          {person.name} <span className="muted">{person.idNumberMasked}</span>
        </h2>
        <dl className="facts">
          <div>
            <dt>险种</dt>
            <dd>{INSURANCE_TYPE_LABELS[person.insuranceType] ?? person.insuranceType}</dd>
          </div>
          <div>
            <dt>参保状态</dt>
            <dd>{PERSON_STATUS_LABELS[person.status] ?? person.status}</dd>
          </div>
          <div>
            <dt>统筹区</dt>
            <dd>{regionLabel(person.poolingRegion)}</dd>
          </div>
          <div>
            <dt>个人账户余额</dt>
            <dd className="amount">{person.balanceFen !== undefined ? formatFen(person.balanceFen) : '无个人账户'}</dd>
          </div>
          <div>
            <dt>小程序账户</dt>
            <dd>{data.user ? `已关联（手机号 ${data.user.phoneMasked}，${data.user.verified ? '已实名' : '未实名'}）` : '未关联小程序账户'}</dd>
          </div>
        </dl>
      </section>

      <Section id="findings-title" title="共济诊断" count={data.findings.length}>
        {data.findings.length === 0 ? (
          <Empty>没有诊断结果。</Empty>
        ) : (
          <ul className="findings">
            {data.findings.map((f) => (
              <li key={`${f.code}-${f.message}`} className={f.code === 'OK' ? 'finding finding--ok' : 'finding'}>
                <strong>{f.message}</strong>
                {f.action ? <span className="finding__action">建议：{f.action}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="sharer-title" title="为亲属共济（作为共济人）" count={data.asSharer.length}>
        {bindingRows(data.asSharer, 'sharer')}
      </Section>
      <Section id="relative-title" title="亲属为其共济（作为被共济人）" count={data.asRelative.length}>
        {bindingRows(data.asRelative, 'relative')}
      </Section>

      <Section id="risks-title" title="风险事件" count={data.risks.length}>
        {data.risks.length === 0 ? (
          <Empty>没有风险事件。</Empty>
        ) : (
          <ul className="risks">
            {data.risks.map((r, index) => (
              <li key={r.riskId ?? `${r.kind}-${index}`}>
                <span className="tag tag--danger">{RISK_LABELS[r.kind] ?? r.kind}</span> {formatInstant(r.createdAt)}
                {r.other ? (
                  <span>
                    {r.role === 'reported' ? '：被 ' : r.role === 'reporter' ? '：举报 ' : '：'}
                    {r.other.name}（{r.other.idNumberMasked}）{r.role === 'reported' ? ' 举报' : ''}
                  </span>
                ) : null}
                {r.detail ? <span className="muted"> {r.detail}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section id="records-title" title="共济支付记录" count={data.records.length}>
        {data.records.length === 0 ? (
          <Empty>没有共济支付记录。</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">时间</th>
                <th scope="col">类别</th>
                <th scope="col">机构</th>
                <th scope="col">共济人 → 就医人</th>
                <th scope="col">金额</th>
                <th scope="col">已退</th>
              </tr>
            </thead>
            <tbody>
              {data.records.map((r) => (
                <tr key={r.recordId}>
                  <td>{formatInstant(r.paidAt)}</td>
                  <td>{RECORD_KIND_LABELS[r.kind] ?? r.kind}</td>
                  <td>{r.institutionName}</td>
                  <td>
                    {r.sharer.name} → {r.relative.name}（{relationshipLabel(r.relationship)}）
                  </td>
                  <td className="amount">{formatFen(r.amountFen)}</td>
                  <td className="amount">{formatFen(r.refundedFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section id="family-title" title="亲情账户（只代为出示医保码，不使用余额）" count={data.familyAccount.members.length}>
        {data.familyAccount.members.length === 0 ? (
          <Empty>亲情账户中没有成员。</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">成员</th>
                <th scope="col">关系</th>
                <th scope="col">成员确认</th>
                <th scope="col">有共济关系</th>
                {acting ? <th scope="col">代办</th> : null}
              </tr>
            </thead>
            <tbody>
              {data.familyAccount.members.map((m) => (
                <tr key={m.memberId}>
                  <td>
                    {m.name}
                    <div className="muted small">{m.idNumberMasked}</div>
                  </td>
                  <td>{relationshipLabel(m.relationship)}</td>
                  <td>{m.consent === 'pending' ? '待成员确认' : m.consent === 'confirmed' ? '已确认' : '无需确认'}</td>
                  <td>{m.hasMutualAid ? '有' : '没有（只能出示医保码，不能共济支付）'}</td>
                  {acting ? (
                    <td>
                      <button
                        type="button"
                        className="button button--small button--danger"
                        onClick={() => propose({ action: 'removeFamilyMember', fields: { memberId: m.memberId } }, '移除亲情账户成员', { memberName: m.name })}
                      >
                        移除
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.familyAccount.asMember.length > 0 ? (
          <p className="muted">
            在他人的亲情账户中：
            {data.familyAccount.asMember.map((m) => `${m.owner.name}（${m.owner.idNumberMasked}，${relationshipLabel(m.relationship)}）`).join('；')}
          </p>
        ) : null}
      </Section>

      <Section id="acts-title" title="工作人员代办记录" count={staffActs.length}>
        {staffActs.length === 0 ? (
          <Empty>没有工作人员为其办理过业务。</Empty>
        ) : (
          <ul className="acts">
            {staffActs.map((a) => (
              <li key={a.eventId}>
                {formatInstant(a.at)} · {a.staff.name} · {eventLabel(a)}
                {a.evidence ? <span className="muted">（{EVIDENCE_LABELS[a.evidence.kind] ?? a.evidence.kind}：{a.evidence.ref}）</span> : null}
              </li>
            ))}
          </ul>
        )}
      </Section>

      {acting ? (
        <section className="card section acts-panel" aria-labelledby="do-title">
          <h3 id="do-title">代办业务（本人持身份证到场）</h3>
          <fieldset className="evidence">
            <legend>本次办理凭证</legend>
            <label className="field">
              <span className="field__label">凭证类型</span>
              <select value={evidence.kind} onChange={(e) => setEvidence({ ...evidence, kind: e.target.value as EvidenceKind })}>
                <option value="id_card">{EVIDENCE_LABELS.id_card}</option>
                <option value="power_of_attorney">{EVIDENCE_LABELS.power_of_attorney}</option>
              </select>
            </label>
            <label className="field">
              <span className="field__label">凭证编号</span>
              <input name="evidenceRef" autoComplete="off" value={evidence.ref} placeholder="例如：核验登记号 2026-0001" onChange={(e) => setEvidence({ ...evidence, ref: e.target.value })} />
            </label>
            <p className="field__help">代为同意、拒绝、解除和亲情账户操作使用此凭证；添加共济亲属使用纸质承诺书编号。</p>
          </fieldset>
          {formError ? (
            <p className="alert" role="alert" id="act-error" tabIndex={-1}>
              {formError}
            </p>
          ) : null}

          <div className="act-forms">
            <form
              className="act-form"
              aria-labelledby="link-title"
              onSubmit={(e) => {
                e.preventDefault();
                propose({ action: 'linkIdentity', fields: { phone: phone.trim() } }, '关联参保身份');
              }}
            >
              <h4 id="link-title">关联身份（实名认证）</h4>
              <p className="muted small">核验本人身份证后，把参保身份关联到其本人或家属使用的小程序账户。</p>
              <label className="field">
                <span className="field__label">小程序账户手机号</span>
                <input name="linkPhone" inputMode="numeric" autoComplete="off" maxLength={11} value={phone} onChange={(e) => setPhone(e.target.value.replace(/\D/g, ''))} />
              </label>
              <button className="button button--primary" type="submit">
                关联身份
              </button>
            </form>

            <form
              className="act-form"
              aria-labelledby="bind-title"
              onSubmit={(e) => {
                e.preventDefault();
                propose(
                  {
                    action: 'bindRelative',
                    fields: { name: bind.name.trim(), idNumber: bind.idNumber.trim(), relationship: bind.relationship, ...(bind.endsOn ? { endsOn: bind.endsOn } : {}) },
                  },
                  '代为添加共济亲属',
                  { evidence: { kind: 'undertaking', ref: bind.undertakingRef } },
                );
              }}
            >
              <h4 id="bind-title">代为添加共济亲属</h4>
              <label className="field">
                <span className="field__label">亲属姓名</span>
                <input name="bindName" autoComplete="off" value={bind.name} onChange={(e) => setBind({ ...bind, name: e.target.value })} />
              </label>
              <label className="field">
                <span className="field__label">亲属身份证号</span>
                <input name="bindIdNumber" autoComplete="off" spellCheck={false} maxLength={20} value={bind.idNumber} onChange={(e) => setBind({ ...bind, idNumber: e.target.value })} />
              </label>
              <label className="field">
                <span className="field__label">亲属是参保人的</span>
                <select name="bindRelationship" value={bind.relationship} onChange={(e) => setBind({ ...bind, relationship: e.target.value as Relationship })}>
                  {RELATIONSHIPS.map((r) => (
                    <option key={r} value={r}>
                      {relationshipLabel(r)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="field">
                <span className="field__label">有效期至（可不填）</span>
                <input name="bindEndsOn" type="date" value={bind.endsOn} onChange={(e) => setBind({ ...bind, endsOn: e.target.value })} />
              </label>
              <label className="field">
                <span className="field__label">纸质承诺书编号</span>
                <input name="undertakingRef" autoComplete="off" value={bind.undertakingRef} onChange={(e) => setBind({ ...bind, undertakingRef: e.target.value })} />
              </label>
              <button className="button button--primary" type="submit">
                添加共济亲属
              </button>
            </form>

            <form
              className="act-form"
              aria-labelledby="member-title"
              onSubmit={(e) => {
                e.preventDefault();
                propose({ action: 'addFamilyMember', fields: { name: member.name.trim(), idNumber: member.idNumber.trim(), relationship: member.relationship } }, '添加亲情账户成员');
              }}
            >
              <h4 id="member-title">添加亲情账户成员</h4>
              <label className="field">
                <span className="field__label">成员姓名</span>
                <input name="memberName" autoComplete="off" value={member.name} onChange={(e) => setMember({ ...member, name: e.target.value })} />
              </label>
              <label className="field">
                <span className="field__label">成员身份证号</span>
                <input name="memberIdNumber" autoComplete="off" spellCheck={false} maxLength={20} value={member.idNumber} onChange={(e) => setMember({ ...member, idNumber: e.target.value })} />
              </label>
              <label className="field">
                <span className="field__label">成员是参保人的</span>
                <select name="memberRelationship" value={member.relationship} onChange={(e) => setMember({ ...member, relationship: e.target.value as Relationship })}>
                  {RELATIONSHIPS.map((r) => (
                    <option key={r} value={r}>
                      {relationshipLabel(r)}
                    </option>
                  ))}
                </select>
              </label>
              <button className="button button--primary" type="submit">
                添加成员
              </button>
            </form>
          </div>
        </section>
      ) : (
        <p className="notice">您的角色是客服，只能查询；代办业务请转经办人员办理。</p>
      )}

      {pending ? (
        <ConfirmDialog
          title={pending.title}
          lines={pending.lines}
          confirmLabel={`确认${pending.title}`}
          busy={busy}
          error={dialogError}
          onConfirm={() => void run()}
          onCancel={() => setPending(null)}
        />
      ) : null}
    </div>
  );
}
