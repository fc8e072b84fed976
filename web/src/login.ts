// The sign-in page (before any session exists). Its language follows the browser.
import { h, mount, uid } from './dom';
import { ApiError, isDemo, request } from './api';
import { t, tp } from './i18n';
import { languageSelect, setAppRenderer } from './session';
import type { LoginAnswer } from './types';
import { problemText } from './ui';

export function showLogin(root: HTMLElement, onSignedIn: (a: LoginAnswer) => Promise<void>): void {
  let username = '';
  let password = '';
  const render = () => {
    document.title = `${t('login.title')} · Pomost`;
    const uId = uid('u');
    const pId = uid('p');
    const rId = uid('r');
    const status = h('div', { class: 'login-status', tabindex: '-1' });
    const user = h('input', {
      id: uId,
      name: 'username',
      autocomplete: 'username',
      autocapitalize: 'none',
      spellcheck: 'false',
      required: true,
      value: username,
      oninput: (e: Event) => (username = (e.target as HTMLInputElement).value),
    });
    const pass = h('input', {
      id: pId,
      name: 'password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
      value: password,
      oninput: (e: Event) => (password = (e.target as HTMLInputElement).value),
    });
    const remember = h('input', { id: rId, type: 'checkbox', name: 'remember' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));

    mount(
      root,
      h(
        'div',
        { class: 'login-page' },
        h('header', { class: 'login-top' }, h('span', { class: 'brand' }, 'Pomost'), languageSelect()),
        h(
          'main',
          { id: 'main', class: 'login-main' },
          h(
            'form',
            {
              class: 'login-card stack',
              novalidate: true,
              'aria-labelledby': 'login-title',
              onsubmit: async (ev: SubmitEvent) => {
                ev.preventDefault();
                status.replaceChildren();
                submit.disabled = true;
                try {
                  const a = await request<LoginAnswer>('POST', '/auth/login', {
                    username: username.trim(),
                    password,
                    remember_device: remember.checked,
                  });
                  password = '';
                  await onSignedIn(a);
                } catch (e) {
                  const msg =
                    e instanceof ApiError && e.status === 401
                      ? t('login.failed')
                      : e instanceof ApiError && e.status === 429 && e.retryAfter
                        ? tp('login.throttled', e.retryAfter)
                        : problemText(e);
                  status.replaceChildren(h('p', { class: 'notice notice-error', role: 'alert' }, msg));
                  pass.select();
                  pass.focus();
                } finally {
                  submit.disabled = false;
                }
              },
            },
            h('h1', { id: 'login-title' }, t('login.title')),
            h('p', { class: 'muted' }, t('login.intro')),
            h('div', { class: 'field' }, h('label', { for: uId }, t('login.username')), user),
            h('div', { class: 'field' }, h('label', { for: pId }, t('login.password')), pass),
            h('div', { class: 'check' }, remember, h('label', { for: rId }, t('login.remember'))),
            status,
            submit,
            isDemo() ? h('p', { class: 'demo-note' }, t('common.demo')) : null,
          ),
          h('p', { class: 'login-crisis' }, t('login.crisis')),
        ),
      ),
    );
  };
  setAppRenderer(render);
  render();
}
