// The patient app, mobile-first (360 px): home, help (crisis numbers and my safety plan) and my
// account. The Help button is fixed at the bottom of every screen: one tap, no loading.
import { h, mount } from '../dom';
import { isDemo } from '../api';
import { t } from '../i18n';
import { fmtToday } from '../format';
import { link, startRouter, type Route } from '../router';
import { languageSelect, setAppRenderer } from '../session';
import { state } from '../state';
import { notice, pageTitle, screenTitle, section, skipLink } from '../ui';
import { renderAccount } from '../account';
import { crisisList, resourcesFor } from './crisis';

let mainEl: HTMLElement;
let tabs: HTMLElement;

export function startPatientApp(root: HTMLElement): void {
  const routes: Route[] = [
    { path: '/', render: renderHome },
    { path: '/help', render: renderHelp },
    { path: '/account', render: renderAccount },
  ];
  const renderShell = () => {
    mainEl = h('main', { id: 'main', tabindex: '-1', class: 'p-main' });
    tabs = h(
      'nav',
      { class: 'p-tabs', 'aria-label': t('nav.main') },
      link('/', { class: 'p-tab', 'data-path': '/' }, h('span', { class: 'p-tab-icon', 'aria-hidden': 'true' }, '\u2302'), t('patient.nav_home')),
      link(
        '/help',
        { class: 'p-tab crisis-button', 'data-path': '/help', 'data-testid': 'crisis-button' },
        h('span', { class: 'p-tab-icon', 'aria-hidden': 'true' }, '\u260E'),
        t('patient.nav_help'),
      ),
      link('/account', { class: 'p-tab', 'data-path': '/account' }, h('span', { class: 'p-tab-icon', 'aria-hidden': 'true' }, '\u2699'), t('patient.nav_account')),
    );
    mount(
      root,
      skipLink(),
      h(
        'div',
        { class: 'p-app' },
        h('header', { class: 'p-top' }, h('span', { class: 'brand' }, 'Pomost'), languageSelect()),
        // A strip of its own: on a 360 px screen it does not fit beside the name and language.
        isDemo() ? h('p', { class: 'demo-strip' }, t('common.demo')) : null,
        mainEl,
        tabs,
      ),
    );
  };
  const start = () => {
    renderShell();
    startRouter(routes, '/', show);
  };
  setAppRenderer(start);
  start();
}

function show(route: Route, focus: boolean): void {
  for (const a of tabs.querySelectorAll<HTMLAnchorElement>('a[data-path]')) {
    if (a.dataset.path === route.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = h('div', { class: 'screen' });
  mainEl.replaceChildren(view);
  void Promise.resolve(route.render(view)).then(() => {
    const h1 = view.querySelector('h1');
    document.title = screenTitle(view);
    if (focus) h1?.focus();
  });
}

function renderHome(root: HTMLElement): void {
  const me = state.me!;
  root.append(
    pageTitle(t('patient.hello', { name: me.display_name }), h('p', { class: 'subtitle' }, fmtToday(me.time_zone))),
    section(
      t('patient.program_title'),
      me.program_name
        ? h('p', { class: 'program-name', 'data-testid': 'program-name' }, me.program_name)
        : h('p', null, t('patient.no_program')),
      h('p', { class: 'muted' }, t('patient.program_note')),
    ),
    section(
      t('patient.help_title'),
      h('p', null, t('patient.help_note')),
      link('/help', { class: 'btn btn-block' }, t('patient.help_link')),
    ),
  );
}

function renderHelp(root: HTMLElement): void {
  const list = resourcesFor(state.me?.crisis_resources ?? []);
  root.append(
    pageTitle(t('crisis.title')),
    notice('warning', h('strong', null, t('crisis.danger'))),
    section(
      t('crisis.numbers'),
      list.length ? crisisList(list) : h('p', null, t('crisis.no_numbers')),
    ),
    section(t('crisis.safety_plan'), h('p', null, t('crisis.safety_plan_pending')), h('p', { class: 'muted' }, t('crisis.safety_plan_hint'))),
  );
}
