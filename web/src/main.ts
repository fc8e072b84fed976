// Entry point: resume an existing cookie session or show the sign-in page, then run the staff
// workspace or the patient app according to the role.
import './styles.css';
import { ApiError, request } from './api';
import { h, mount } from './dom';
import { browserLang, setLanguage, t } from './i18n';
import { showLogin } from './login';
import { startSignedIn } from './session';
import type { LoginAnswer, SessionAnswer } from './types';
import { startStaffApp } from './staff/shell';
import { startPatientApp } from './patient/app';

const root = document.getElementById('app')!;

async function run(user: SessionAnswer['user'], csrf: string, idleSeconds?: number, now?: string): Promise<void> {
  const me = await startSignedIn(user, csrf, idleSeconds, now);
  if (me.role === 'patient') startPatientApp(root);
  else startStaffApp(root);
}

async function boot(): Promise<void> {
  await setLanguage(browserLang());
  try {
    const s = await request<SessionAnswer>('GET', '/auth/session');
    await run(s.user, s.csrf_token, s.idle_timeout_seconds, s.now);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showLogin(root, (a: LoginAnswer) => run(a.user, a.csrf_token, a.idle_timeout_seconds, a.now));
    } else {
      mount(
        root,
        h(
          'main',
          { id: 'main', class: 'login-main' },
          h('h1', null, t('err.start_title')),
          h('p', null, t('err.network')),
          h('button', { type: 'button', class: 'btn btn-primary', onclick: () => location.reload() }, t('common.retry')),
        ),
      );
    }
  }
}

void boot();
