// Crisis numbers: shown from memory (loaded with /me at sign-in), so they appear at once, even
// when the network is slow or the session has just ended.
import { h } from '../dom';
import { currentLang, t } from '../i18n';
import type { CrisisResource } from '../types';

export function telHref(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/** Resources for everyone, plus those in the reader's language. */
export function resourcesFor(list: CrisisResource[]): CrisisResource[] {
  const lang = currentLang();
  return list.filter((r) => !r.language || r.language === lang);
}

/** `every`: staff reviewing settings see resources in every language. */
export function crisisList(list: CrisisResource[], every = false): HTMLElement {
  return h(
    'ul',
    { class: 'crisis-list' },
    (every ? list : resourcesFor(list)).map((r) =>
      h(
        'li',
        null,
        h(
          'div',
          { class: 'crisis-text' },
          h('span', { class: 'crisis-name' }, r.name),
          r.description ? h('span', { class: 'crisis-desc' }, r.description) : null,
        ),
        h(
          'a',
          { class: 'btn btn-call', href: telHref(r.phone), 'aria-label': t('crisis.call_aria', { name: r.name, phone: r.phone }) },
          h('span', { 'aria-hidden': 'true', class: 'call-icon' }, '\u260E'),
          ' ',
          r.phone,
        ),
      ),
    ),
  );
}
