import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, session, staffApi } from './api';
import { canReadAudit, ROLE_LABELS } from './logic';
import { DEMO_REASON, DEMO_STEPS, demoIdNumber, demoName } from './demo';
import { AuditTrail } from './screens/Audit';
import { Login } from './screens/Login';
import { LookupForm } from './screens/Lookup';
import { PersonPage } from './screens/PersonPage';
import type { LookupData, StaffLoginData, StaffProfile } from './types';

type Screen = 'lookup' | 'audit';

interface Current {
  /** Kept in memory only, for the acts; the page shows the masked number. */
  idNumber: string;
  reason: string;
  data: LookupData;
}

export function App() {
  const [auth, setAuth] = useState<{ token: string; staff: StaffProfile } | null>(() => session.load());
  const [loginNotice, setLoginNotice] = useState<string | null>(null);
  const [screen, setScreen] = useState<Screen>('lookup');
  const [form, setForm] = useState({ idNumber: '', reason: '' });
  const [current, setCurrent] = useState<Current | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [demoStep, setDemoStep] = useState<number | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  const logout = useCallback((notice: string | null = null) => {
    session.clear();
    setAuth(null);
    setCurrent(null);
    setForm({ idNumber: '', reason: '' });
    setDemoStep(null);
    setScreen('lookup');
    setLoginNotice(notice);
  }, []);

  const onAuthLost = useCallback((caught: ApiError) => logout(caught.message || '登录已失效，请重新登录'), [logout]);

  const onLoggedIn = (data: StaffLoginData) => {
    session.save(data.token, data.staff);
    setLoginNotice(null);
    setAuth({ token: data.token, staff: data.staff });
  };

  const lookup = useCallback(
    async (idNumber: string, reason: string, message: string | null = null) => {
      if (!auth) return;
      setBusy(true);
      setError(null);
      setDone(message);
      try {
        const data = await staffApi.lookup(auth.token, idNumber, reason);
        setCurrent({ idNumber, reason, data });
        // The person's page replaces the previous one: read from its heading.
        requestAnimationFrame(() => document.getElementById('person-title')?.focus());
      } catch (caught) {
        if (caught instanceof ApiError && caught.code === 'UNAUTHENTICATED') return onAuthLost(caught);
        setError(caught instanceof ApiError ? caught.message : '查询失败，请重试');
        if (!message) setCurrent(null);
      } finally {
        setBusy(false);
      }
    },
    [auth, onAuthLost],
  );

  useEffect(() => {
    document.title = auth ? `${screen === 'audit' ? '审计记录' : '查询与代办'} · 经办控制台` : '经办人员登录 · 经办控制台';
  }, [auth, screen]);

  if (!auth) return <Login onLoggedIn={onLoggedIn} notice={loginNotice} />;

  const step = demoStep !== null ? DEMO_STEPS[demoStep] : undefined;
  const goStep = (index: number) => {
    const next = DEMO_STEPS[index];
    if (!next) return;
    setDemoStep(index);
    if (next.screen === 'audit' && canReadAudit(auth.staff.role)) setScreen('audit');
    else setScreen('lookup');
  };
  const showDemoPerson = (key: string) => {
    const id = demoIdNumber(key);
    if (!id) return;
    setScreen('lookup');
    setForm({ idNumber: id, reason: DEMO_REASON });
    void lookup(id, DEMO_REASON);
  };

  return (
    <div className="shell">
      <a className="skip" href="#main">
        跳到主要内容
      </a>
      <header className="topbar">
        <div className="topbar__brand">医保家庭共济 · 经办控制台</div>
        <nav aria-label="主导航" className="topbar__nav">
          <button type="button" className={`nav ${screen === 'lookup' ? 'nav--current' : ''}`} aria-current={screen === 'lookup' ? 'page' : undefined} onClick={() => setScreen('lookup')}>
            查询与代办
          </button>
          {canReadAudit(auth.staff.role) ? (
            <button type="button" className={`nav ${screen === 'audit' ? 'nav--current' : ''}`} aria-current={screen === 'audit' ? 'page' : undefined} onClick={() => setScreen('audit')}>
              审计记录
            </button>
          ) : null}
          <button type="button" className={`nav ${demoStep !== null ? 'nav--current' : ''}`} aria-pressed={demoStep !== null} onClick={() => (demoStep === null ? goStep(0) : setDemoStep(null))}>
            {demoStep === null ? '演示' : '退出演示'}
          </button>
        </nav>
        <div className="topbar__who">
          <span>
            {auth.staff.name}（{ROLE_LABELS[auth.staff.role] ?? auth.staff.role}）
          </span>
          <button type="button" className="button button--secondary button--small" onClick={() => logout('您已退出登录。')}>
            退出登录
          </button>
        </div>
      </header>

      <main id="main" className="main">
        <h1 className="visually-hidden" ref={headingRef}>
          {screen === 'audit' ? '审计记录' : '查询与代办'}
        </h1>
        {step && demoStep !== null ? (
          <section className="card demo" aria-labelledby="demo-title" aria-live="polite">
            <p className="demo__progress">
              演示 · 第 {demoStep + 1} 步，共 {DEMO_STEPS.length} 步
            </p>
            <h2 id="demo-title">{step.title}</h2>
            <p>{step.explain}</p>
            <div className="demo__actions">
              <button type="button" className="button button--secondary" disabled={demoStep === 0} onClick={() => goStep(demoStep - 1)}>
                上一步
              </button>
              {step.person ? (
                <button type="button" className="button button--primary" onClick={() => step.person && showDemoPerson(step.person)} disabled={busy}>
                  查询{demoName(step.person) ?? '此人'}
                </button>
              ) : null}
              {step.screen === 'audit' && !canReadAudit(auth.staff.role) ? <span className="muted">审计记录只有主管能看，请用主管账号登录。</span> : null}
              <button type="button" className="button button--secondary" disabled={demoStep >= DEMO_STEPS.length - 1} onClick={() => goStep(demoStep + 1)}>
                下一步
              </button>
            </div>
          </section>
        ) : null}

        {screen === 'audit' ? (
          <AuditTrail token={auth.token} onAuthLost={onAuthLost} />
        ) : (
          <>
            <LookupForm idNumber={form.idNumber} reason={form.reason} busy={busy} error={error} onChange={setForm} onLookup={(id, reason) => void lookup(id, reason)} />
            {done ? (
              <p className="success" role="status">
                {done}
              </p>
            ) : null}
            {current ? (
              <PersonPage
                key={current.idNumber}
                data={current.data}
                personIdNumber={current.idNumber}
                token={auth.token}
                role={auth.staff.role}
                onAuthLost={onAuthLost}
                onActed={(message) => void lookup(current.idNumber, current.reason, message)}
              />
            ) : (
              <p className="muted hint">输入身份证号和查询事由后查询。查询结果中的身份证号一律脱敏显示。</p>
            )}
          </>
        )}
      </main>
    </div>
  );
}
