import { useState, type FormEvent } from 'react';
import { ApiError, staffApi } from '../api';
import type { StaffLoginData } from '../types';

export function Login({ onLoggedIn, notice }: { onLoggedIn(data: StaffLoginData): void; notice?: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!username.trim() || !password) return setError('请填写用户名和密码');
    if (!/^\d{6}$/.test(totp.trim())) return setError('请填写身份验证器应用中显示的 6 位动态验证码');
    setBusy(true);
    setError(null);
    try {
      onLoggedIn(await staffApi.login(username.trim(), password, totp.trim()));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : '登录失败，请重试');
      setTotp('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="card login__card" onSubmit={submit} noValidate aria-labelledby="login-title">
        <h1 id="login-title">经办人员登录</h1>
        <p className="muted">医保家庭共济 · 经办大厅与客服控制台</p>
        {notice ? <p className="notice">{notice}</p> : null}
        <label className="field">
          <span className="field__label">用户名</span>
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label className="field">
          <span className="field__label">密码</span>
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label className="field">
          <span className="field__label">动态验证码</span>
          <input
            name="totp"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={totp}
            onChange={(e) => setTotp(e.target.value.replace(/\D/g, ''))}
            aria-describedby="totp-help"
            required
          />
        </label>
        <p id="totp-help" className="field__help totp-help">
          打开手机上的身份验证器应用，输入当前显示的 6 位数字（每 30 秒更新）。
        </p>
        {error ? (
          <p className="alert" role="alert">
            {error}
          </p>
        ) : null}
        <button className="button button--primary button--block" type="submit" disabled={busy}>
          {busy ? '正在登录…' : '登录'}
        </button>
        <p className="muted small">本控制台在共用的办公电脑上使用：关闭浏览器标签页即退出登录。</p>
      </form>
    </main>
  );
}
