// My account (staff and patients): interface language and password.
import { h } from './dom';
import { api } from './api';
import { LANG_NAMES, LANGS, currentLang, isLang, t } from './i18n';
import { roleLabel } from './labels';
import { changeLanguage, signOut } from './session';
import { state } from './state';
import { busy, clearProblem, dl, notice, pageTitle, section, selectField, showProblem, textField } from './ui';

export function renderAccount(root: HTMLElement): void {
  const user = state.user!;
  const langStatus = h('div', { tabindex: '-1' });
  const lang = selectField(
    t('account.language'),
    LANGS.map((l) => ({ value: l, label: LANG_NAMES[l], lang: l })),
    currentLang(),
    {
      'data-testid': 'account-language',
      onchange: async (e: Event) => {
        const v = (e.target as HTMLSelectElement).value;
        if (!isLang(v)) return;
        try {
          await changeLanguage(v, 'select[data-testid="account-language"]');
          // The screen was redrawn in the new language; confirm there.
          document.querySelector('[data-testid="language-status"]')?.replaceChildren(notice('success', t('account.language_saved')));
        } catch (err) {
          showProblem(langStatus, err);
        }
      },
    },
  );
  langStatus.dataset.testid = 'language-status';

  const current = textField(t('account.current_password'), { type: 'password', autocomplete: 'current-password', required: true });
  const next = textField(t('account.new_password'), {
    type: 'password',
    autocomplete: 'new-password',
    required: true,
    hint: t('staff.password_hint'),
  });
  const repeat = textField(t('account.repeat_password'), { type: 'password', autocomplete: 'new-password', required: true });
  const fields = { current_password: current, new_password: next, repeat };
  const pwStatus = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.change_password'));
  const pwForm = h(
    'form',
    {
      class: 'stack narrow',
      novalidate: true,
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        clearProblem(pwStatus, fields);
        if (next.input.value !== repeat.input.value) {
          repeat.setError(t('account.mismatch'));
          repeat.input.focus();
          return;
        }
        try {
          await busy(save, () =>
            api('PATCH', '/me', { current_password: current.input.value, new_password: next.input.value }),
          );
          for (const f of [current, next, repeat]) f.input.value = '';
          pwStatus.replaceChildren(notice('success', t('account.password_changed')));
          pwStatus.focus();
        } catch (e) {
          showProblem(pwStatus, e, fields);
        }
      },
    },
    current.wrap,
    next.wrap,
    repeat.wrap,
    pwStatus,
    h('div', { class: 'actions' }, save),
  );

  root.append(
    pageTitle(t('account.title')),
    h(
      'div',
      { class: 'grid' },
      section(
        t('account.profile'),
        dl([
          [t('account.name'), user.display_name],
          [t('account.username'), user.username],
          [t('account.role'), roleLabel(user.role)],
        ]),
      ),
      section(t('account.language_title'), h('div', { class: 'narrow' }, lang.wrap), langStatus),
      section(t('account.password_title'), pwForm),
      user.role === 'patient'
        ? section(t('account.sign_out_title'), h('button', { type: 'button', class: 'btn', onclick: () => void signOut() }, t('nav.sign_out')))
        : null,
    ),
  );
}
