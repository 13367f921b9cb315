import { useState, type FormEvent } from 'react';
import { checkIdNumber, checkReason } from '../logic';

interface Props {
  idNumber: string;
  reason: string;
  busy: boolean;
  error: string | null;
  onChange(next: { idNumber: string; reason: string }): void;
  onLookup(idNumber: string, reason: string): void;
}

/** 按身份证号查询：the only place where a full ID number is shown is this input. */
export function LookupForm({ idNumber, reason, busy, error, onChange, onLookup }: Props) {
  const [problem, setProblem] = useState<{ field: 'idNumber' | 'reason'; message: string } | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = checkIdNumber(idNumber);
    if (!id.ok) return setProblem({ field: 'idNumber', message: id.message });
    const reasonProblem = checkReason(reason);
    if (reasonProblem) return setProblem({ field: 'reason', message: reasonProblem });
    setProblem(null);
    onLookup(id.value, reason.trim());
  };

  const shown = problem?.message ?? error;
  return (
    <form className="card lookup" onSubmit={submit} noValidate aria-labelledby="lookup-title">
      <h2 id="lookup-title">查询参保人</h2>
      <div className="lookup__row">
        <label className="field lookup__id">
          <span className="field__label">身份证号</span>
          <input
            name="idNumber"
            autoComplete="off"
            spellCheck={false}
            maxLength={20}
            value={idNumber}
            aria-invalid={problem?.field === 'idNumber' || undefined}
            onChange={(e) => onChange({ idNumber: e.target.value, reason })}
          />
        </label>
        <label className="field lookup__reason">
          <span className="field__label">查询事由（必填，记入审计记录）</span>
          <input
            name="reason"
            autoComplete="off"
            maxLength={200}
            placeholder="例如：本人持身份证到厅办理共济"
            value={reason}
            aria-invalid={problem?.field === 'reason' || undefined}
            onChange={(e) => onChange({ idNumber, reason: e.target.value })}
          />
        </label>
        <button className="button button--primary lookup__submit" type="submit" disabled={busy}>
          {busy ? '正在查询…' : '查询'}
        </button>
      </div>
      {shown ? (
        <p className="alert" role="alert">
          {shown}
        </p>
      ) : null}
    </form>
  );
}
