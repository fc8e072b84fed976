// Signing in and out, the interface language, and which app (staff or patient) runs.
import { h, uid } from './dom';
import { api, request, setActivityHook, setCsrf, setUnauthorizedHandler } from './api';
import { LANG_NAMES, LANGS, currentLang, isLang, setLanguage, t, type Lang } from './i18n';
import { lockScreen, stopIdleTimer, touchSession } from './lock';
import { state, syncClock } from './state';
import type { Me, User } from './types';

let renderApp: (() => void) | null = null;

/** The running app registers how to redraw itself (after a language change). */
export function setAppRenderer(fn: () => void): void {
  renderApp = fn;
}

export async function startSignedIn(user: User, csrf: string, idleSeconds?: number, now?: string): Promise<Me> {
  state.user = user;
  syncClock(now);
  state.idleMs = (idleSeconds ?? 15 * 60) * 1000;
  setCsrf(csrf);
  setUnauthorizedHandler(lockScreen);
  setActivityHook(touchSession);
  touchSession();
  await setLanguage(isLang(user.language) ? user.language : currentLang());
  state.me = await api<Me>('GET', '/me');
  return state.me;
}

export async function signOut(): Promise<void> {
  stopIdleTimer();
  setUnauthorizedHandler(null);
  try {
    await request('POST', '/auth/logout');
  } catch {
    /* the session may already be gone; the reload below forgets everything anyway */
  }
  // A full reload drops every piece of patient data held in memory.
  location.replace('/');
}

/**
 * Switches the interface language; saved to the user's profile when signed in. The screen is
 * redrawn, and the keyboard returns to the control that was used (`focus`, a selector).
 */
export async function changeLanguage(lang: Lang, focus = 'select.lang-select'): Promise<void> {
  if (state.user) {
    await api('PATCH', '/me', { language: lang });
    state.user.language = lang;
    if (state.me) state.me.language = lang;
  }
  await setLanguage(lang);
  renderApp?.();
  document.querySelector<HTMLElement>(focus)?.focus();
}

/** The language switch shown in every header (and on the sign-in page). */
export function languageSelect(): HTMLElement {
  const id = uid('lang');
  const select = h(
    'select',
    {
      id,
      class: 'lang-select',
      onchange: async (ev: Event) => {
        const v = (ev.target as HTMLSelectElement).value;
        if (isLang(v)) {
          try {
            await changeLanguage(v);
          } catch {
            (ev.target as HTMLSelectElement).value = currentLang();
          }
        }
      },
    },
    LANGS.map((l) => h('option', { value: l, lang: l, selected: l === currentLang() }, LANG_NAMES[l])),
  );
  return h('div', { class: 'lang' }, h('label', { for: id, class: 'visually-hidden' }, t('common.language')), select);
}
