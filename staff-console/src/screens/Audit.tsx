import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, staffApi } from '../api';
import { checkIdNumber, eventLabel, EVIDENCE_LABELS, formatInstant, ROLE_LABELS } from '../logic';
import type { AuditEvent } from '../types';

const PAGE_SIZE = 20;

interface Filter {
  staffId: string;
  personIdNumber: string;
}

/** 审计记录 (supervisors): every lookup and act, newest first, filtered by staff member or person, paged. */
export function AuditTrail({ token, onAuthLost }: { token: string; onAuthLost(error: ApiError): void }) {
  const [draft, setDraft] = useState<Filter>({ staffId: '', personIdNumber: '' });
  const [filter, setFilter] = useState<Filter>({ staffId: '', personIdNumber: '' });
  /** The cursors of the pages before this one (for 上一页), and this page's cursor. */
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const [items, setItems] = useState<AuditEvent[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const page = await staffApi.audit(token, {
        ...(filter.staffId ? { staffId: filter.staffId } : {}),
        ...(filter.personIdNumber ? { personIdNumber: filter.personIdNumber } : {}),
        ...(cursor ? { cursor } : {}),
        limit: PAGE_SIZE,
      });
      setItems(page.items);
      setNextCursor(page.nextCursor);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'UNAUTHENTICATED') return onAuthLost(caught);
      setError(caught instanceof ApiError ? caught.message : '审计记录加载失败，请重试');
    } finally {
      setBusy(false);
    }
  }, [token, filter, cursor, onAuthLost]);

  useEffect(() => {
    void load();
  }, [load]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    let personIdNumber = '';
    if (draft.personIdNumber.trim()) {
      const id = checkIdNumber(draft.personIdNumber);
      if (!id.ok) return setError(`参保人身份证号：${id.message}`);
      personIdNumber = id.value;
    }
    setFilter({ staffId: draft.staffId.trim(), personIdNumber });
    setCursors([undefined]);
  };

  const pageNo = cursors.length;
  return (
    <section className="card audit" aria-labelledby="audit-title">
      <h2 id="audit-title">审计记录</h2>
      <p className="muted">每一次查询和代办都会记录，记录不能修改或删除。</p>
      <form className="audit__filter" onSubmit={apply} aria-label="筛选审计记录">
        <label className="field">
          <span className="field__label">工作人员编号</span>
          <input name="auditStaffId" autoComplete="off" value={draft.staffId} onChange={(e) => setDraft({ ...draft, staffId: e.target.value })} />
        </label>
        <label className="field">
          <span className="field__label">参保人身份证号</span>
          <input name="auditPerson" autoComplete="off" spellCheck={false} maxLength={20} value={draft.personIdNumber} onChange={(e) => setDraft({ ...draft, personIdNumber: e.target.value })} />
        </label>
        <button className="button button--primary" type="submit">
          筛选
        </button>
        <button
          className="button button--secondary"
          type="button"
          onClick={() => {
            setDraft({ staffId: '', personIdNumber: '' });
            setFilter({ staffId: '', personIdNumber: '' });
            setCursors([undefined]);
          }}
        >
          清除筛选
        </button>
      </form>
      {error ? (
        <p className="alert" role="alert">
          {error}
        </p>
      ) : null}
      <table className="table" aria-busy={busy}>
        <caption className="visually-hidden">审计记录，第 {pageNo} 页</caption>
        <thead>
          <tr>
            <th scope="col">时间</th>
            <th scope="col">工作人员</th>
            <th scope="col">操作</th>
            <th scope="col">参保人</th>
            <th scope="col">事由 / 凭证</th>
          </tr>
        </thead>
        <tbody>
          {items.length === 0 && !busy ? (
            <tr>
              <td colSpan={5} className="empty">
                没有符合条件的记录。
              </td>
            </tr>
          ) : null}
          {items.map((item) => (
            <tr key={item.eventId}>
              <td>{formatInstant(item.at)}</td>
              <td>
                {item.staff.name}（{ROLE_LABELS[item.staff.role] ?? item.staff.role}）
                {item.staff.staffId ? (
                  <div className="muted small">
                    <button
                      type="button"
                      className="link"
                      onClick={() => {
                        const staffId = item.staff.staffId ?? '';
                        setDraft({ ...draft, staffId });
                        setFilter({ ...filter, staffId });
                        setCursors([undefined]);
                      }}
                    >
                      只看此人的记录
                    </button>
                  </div>
                ) : null}
              </td>
              <td>{eventLabel(item)}</td>
              <td>{item.person ? `${item.person.name}（${item.person.idNumberMasked}）` : '—'}</td>
              <td>
                {item.reason ? <div>事由：{item.reason}</div> : null}
                {item.evidence ? (
                  <div>
                    凭证：{EVIDENCE_LABELS[item.evidence.kind] ?? item.evidence.kind} {item.evidence.ref}
                  </div>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="翻页">
        <button type="button" className="button button--secondary" disabled={pageNo <= 1 || busy} onClick={() => setCursors(cursors.slice(0, -1))}>
          上一页
        </button>
        <span>第 {pageNo} 页</span>
        <button type="button" className="button button--secondary" disabled={!nextCursor || busy} onClick={() => nextCursor && setCursors([...cursors, nextCursor])}>
          下一页
        </button>
      </nav>
    </section>
  );
}
