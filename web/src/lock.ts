// The session lock. When the server says the session ended (any 401 while signed in) or the idle
// time runs out, a modal sign-in dialog covers the screen. The page underneath stays as it was
// (forms keep their text); requests that failed wait and are retried once the same user has
// signed in again. Live alerts cannot arrive while locked, and the dialog says so.
import { h, uid } from './dom';
import { ApiError, api, request, setCsrf } from './api';
import { t } from './i18n';
import { state, syncClock } from './state';
import type { LoginAnswer } from './types';
import { crisisList } from './patient/crisis';
import { fieldMessage, problemText } from './ui';

let pending: Promise<void> | null = null;
let idleTimer: number | undefined;
let deadline = 0;
const lockListeners = new Set<(locked: boolean) => void>();

/** Live features (the alert stream) pause while locked and resume after. */
export function onLockChange(fn: (locked: boolean) => void): () => void {
  lockListeners.add(fn);
  return () => lockListeners.delete(fn);
}

export function isLocked(): boolean {
  return pending !== null;
}

/** Counts server activity: the idle deadline moves with every answered request. */
export function touchSession(): void {
  if (!state.user) return;
  deadline = Date.now() + state.idleMs;
  window.clearTimeout(idleTimer);
  // A second of slack so the server has surely expired the session when we ask.
  idleTimer = window.setTimeout(checkIdle, state.idleMs + 1000);
}

export function stopIdleTimer(): void {
  window.clearTimeout(idleTimer);
  idleTimer = undefined;
}

function checkIdle(): void {
  if (!state.user || pending) return;
  // Asks the server: another tab may have kept the session alive. A 401 locks (via api()).
  void api('GET', '/auth/session').catch(() => undefined);
}

// Timers are throttled in background tabs; check as soon as the tab is seen again.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && state.user && !pending && Date.now() > deadline) checkIdle();
});

export function lockScreen(): Promise<void> {
  if (pending) return pending;
  stopIdleTimer();
  lockListeners.forEach((fn) => fn(true));
  pending = new Promise<void>((resolve) => {
    const previousFocus = document.activeElement as HTMLElement | null;
    const dlg = buildDialog(() => {
      dlg.close();
      dlg.remove();
      pending = null;
      touchSession();
      lockListeners.forEach((fn) => fn(false));
      previousFocus?.focus?.();
      resolve();
    });
    document.body.append(dlg);
    dlg.showModal();
  });
  return pending;
}

function buildDialog(done: () => void): HTMLDialogElement {
  const user = state.user!;
  const titleId = uid('lock');
  const descId = uid('lock');
  const pwId = uid('pw');
  const errBox = h('div', { class: 'lock-error', tabindex: '-1' });
  const pw = h('input', { id: pwId, type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('lock.sign_in'));

  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        errBox.replaceChildren();
        submit.disabled = true;
        try {
          const a = await request<LoginAnswer>('POST', '/auth/login', {
            username: user.username,
            password: pw.value,
          });
          if (a.user.id !== user.id) {
            // Never hand one person's unsaved work to another: start clean.
            location.replace('/');
            return;
          }
          setCsrf(a.csrf_token);
          if (a.idle_timeout_seconds) state.idleMs = a.idle_timeout_seconds * 1000;
          syncClock(a.now);
          done();
        } catch (e) {
          const msg =
            e instanceof ApiError && e.status === 401
              ? t('login.failed')
              : e instanceof ApiError && e.problem.errors?.length
                ? fieldMessage(e.problem.errors[0]).text
                : problemText(e);
          errBox.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, msg));
          pw.select();
          pw.focus();
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('p', { class: 'lock-user' }, `${user.display_name} (${user.username})`),
    h('div', { class: 'field' }, h('label', { for: pwId }, t('login.password')), pw),
    errBox,
    h(
      'div',
      { class: 'actions' },
      submit,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-quiet',
          onclick: () => {
            if (confirm(t('lock.sign_out_confirm'))) location.replace('/');
          },
        },
        t('lock.sign_out'),
      ),
    ),
  );

  // Staff learn that live alerts stopped reaching them; a patient is told why, and sees the
  // crisis numbers before anything else.
  const patient = user.role === 'patient';
  const dlg = h(
    'dialog',
    { class: 'lock', 'aria-labelledby': titleId, 'aria-describedby': descId },
    h('h2', { id: titleId }, t('lock.title')),
    patient
      ? h('p', { id: descId, class: 'lock-note' }, t('lock.patient_note'))
      : h('p', { id: descId, class: 'lock-paused' }, h('strong', null, t('lock.alerts_paused')), ' ', t('lock.kept')),
    patient && state.me?.crisis_resources?.length
      ? h('div', { class: 'lock-crisis' }, h('h3', null, t('crisis.title')), crisisList(state.me.crisis_resources))
      : null,
    form,
  );
  // Escape must not dismiss the lock.
  dlg.addEventListener('cancel', (ev) => ev.preventDefault());
  queueMicrotask(() => pw.focus());
  return dlg;
}
