// The staff workspace: header, navigation, the on-call coverage banner and the current screen.
import { h, mount } from '../dom';
import { api, isDemo } from '../api';
import { t, tp, type Key } from '../i18n';
import { roleLabel, tierLabel } from '../labels';
import { fmtRange } from '../format';
import { link, navigate, startRouter, type Route } from '../router';
import { screenTitle, skipLink } from '../ui';
import { languageSelect, setAppRenderer, signOut } from '../session';
import { programsList, state } from '../state';
import type { OnCall } from '../types';
import { renderPatients } from './patients';
import { renderChart } from './chart';
import { renderPrograms } from './programs';
import { renderStaff } from './staff';
import { renderOnCall } from './oncall';
import { renderAudit } from './audit';
import { renderAccount } from '../account';
import { activeAlerts, onLive, reloadAlerts, startLive } from '../live';
import { renderToday } from './today';
import { renderCensus } from './census';
import { renderAlert, renderAlerts } from './alerts';
import { renderCrisis } from './crisis';
import { seesAlerts } from './common';

interface NavItem {
  path: string;
  label: Key;
  /** Other paths that belong to this item (the chart belongs to Patients). */
  also?: string[];
}

function navFor(role: string): NavItem[] {
  const items: NavItem[] = [];
  if (role !== 'admin') {
    items.push({ path: '/today', label: 'nav.today' });
    if (seesAlerts()) items.push({ path: '/alerts', label: 'nav.alerts', also: ['/alert', '/crisis'] });
    items.push({ path: '/census', label: 'nav.census' });
    items.push({ path: '/patients', label: 'nav.patients', also: ['/chart'] });
    items.push({ path: '/group', label: 'group.nav' });
    items.push({ path: '/schedule', label: 'schedule.nav' });
    if (role === 'clinical_director') items.push({ path: '/placement', label: 'placement.nav' });
  }
  items.push({ path: '/programs', label: 'nav.programs' });
  items.push({ path: '/on-call', label: 'nav.oncall' });
  if (role === 'admin' || role === 'clinical_director') items.push({ path: '/staff', label: 'nav.staff' });
  if (role === 'admin') items.push({ path: '/audit', label: 'nav.audit' });
  items.push({ path: '/account', label: 'nav.account' });
  return items;
}

let navEl: HTMLElement;
let mainEl: HTMLElement;
let bannerEl: HTMLElement;

export function startStaffApp(root: HTMLElement): void {
  const role = state.user!.role;
  const routes: Route[] = [
    { path: '/programs', render: renderPrograms },
    { path: '/on-call', render: renderOnCall },
    { path: '/account', render: renderAccount },
  ];
  if (role !== 'admin') {
    routes.push(
      { path: '/today', render: renderToday },
      { path: '/census', render: renderCensus },
      { path: '/patients', render: renderPatients },
      { path: '/chart', render: renderChart },
      { path: '/crisis', render: renderCrisis },
      // Program operations: each screen is its own chunk, loaded when first opened.
      { path: '/group', render: async (v) => (await import('./group')).renderGroup(v) },
      { path: '/schedule', render: async (v) => (await import('./schedule')).renderSchedule(v) },
    );
    if (role === 'clinical_director') routes.push({ path: '/placement', render: async (v) => (await import('./placement')).renderPlacement(v) });
    if (seesAlerts()) routes.push({ path: '/alerts', render: renderAlerts }, { path: '/alert', render: renderAlert });
  }
  if (role === 'admin' || role === 'clinical_director') routes.push({ path: '/staff', render: renderStaff });
  if (role === 'admin') routes.push({ path: '/audit', render: renderAudit });

  const renderShell = () => {
    const user = state.user!;
    const items = navFor(user.role);
    navEl = h(
      'nav',
      { class: 'sidenav', 'aria-label': t('nav.main') },
      h(
        'ul',
        null,
        items.map((i) =>
          h(
            'li',
            null,
            link(
              i.path,
              { 'data-path': i.path, 'data-also': (i.also ?? []).join(' ') },
              t(i.label),
              i.path === '/alerts' ? h('span', { class: 'nav-badge', 'data-testid': 'alerts-badge', hidden: true }) : null,
            ),
          ),
        ),
      ),
    );
    bannerEl = h('div', { class: 'banners' });
    mainEl = h('div', { class: 'view' });
    mount(
      root,
      skipLink(),
      h(
        'header',
        { class: 'topbar' },
        h('div', { class: 'brand-wrap' }, h('span', { class: 'brand' }, 'Pomost'), isDemo() ? h('span', { class: 'tag tag-demo' }, t('common.demo')) : null),
        h(
          'div',
          { class: 'topbar-right' },
          h('span', { class: 'who' }, h('span', { class: 'who-name' }, user.display_name), h('span', { class: 'who-role' }, roleLabel(user.role))),
          languageSelect(),
          h('button', { type: 'button', class: 'btn btn-quiet', onclick: () => void signOut() }, t('nav.sign_out')),
        ),
      ),
      h('div', { class: 'layout' }, navEl, h('main', { id: 'main', tabindex: '-1' }, bannerEl, mainEl)),
    );
    void refreshRosterBanner();
    drawBadge();
  };

  const home = role === 'admin' ? '/programs' : '/today';
  setAppRenderer(() => {
    // A new language: the alerts' reasons come again, in it.
    if (seesAlerts()) reloadAlerts();
    renderShell();
    startRouter(routes, home, show);
  });
  renderShell();
  startRouter(routes, home, show);
  if (seesAlerts()) {
    startLive();
    onLive(drawBadge);
  }
}

/** The Alerts link counts the alerts nobody has acknowledged yet. */
function drawBadge(): void {
  const badge = navEl?.querySelector<HTMLElement>('[data-testid="alerts-badge"]');
  if (!badge) return;
  const n = activeAlerts().filter((a) => a.status === 'open' || a.status === 'escalated').length;
  const urgent = activeAlerts().some((a) => (a.status === 'open' || a.status === 'escalated') && (a.severity === 'imminent' || a.severity === 'high'));
  badge.hidden = n === 0;
  badge.className = `nav-badge${urgent ? ' urgent' : ''}`;
  badge.replaceChildren(h('span', { 'aria-hidden': 'true' }, String(n)), h('span', { class: 'visually-hidden' }, tp('nav.alerts_badge', n)));
}

let renderSeq = 0;

function show(route: Route, focus: boolean): void {
  for (const a of navEl.querySelectorAll<HTMLAnchorElement>('a[data-path]')) {
    const also = (a.dataset.also ?? '').split(' ');
    if (a.dataset.path === route.path || also.includes(route.path)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  // The roster screen shows the same warnings in full; no need to repeat them above it.
  bannerEl.hidden = route.path === '/on-call';
  const view = h('div', { class: 'screen' });
  mainEl.replaceChildren(view);
  const seq = ++renderSeq;
  void Promise.resolve(route.render(view)).finally(() => {
    if (seq !== renderSeq) return;
    const h1 = view.querySelector('h1');
    document.title = screenTitle(view);
    if (focus) h1?.focus();
  });
}

/**
 * A standing warning when the on-call roster of the user's programs (every program, for an
 * admin) leaves a gap in the next 7 days: alerts then skip a tier or go to everyone.
 */
const CHANNEL_WARNINGS = new Set(['no_out_of_browser_channel', 'no_channel']);

export async function refreshRosterBanner(): Promise<void> {
  const target = bannerEl;
  const me = state.me;
  if (!me) return;
  let ids = me.program_ids ?? [];
  try {
    if (me.role === 'admin' || ids.length === 0) ids = (await programsList()).map((p) => p.id);
    const programs = await programsList();
    const rosters = await Promise.all(
      ids.map((id) => api<OnCall>('GET', `/programs/${encodeURIComponent(id)}/on-call`).catch(() => null)),
    );
    const items: HTMLElement[] = [];
    const browserOnly: HTMLElement[] = [];
    for (const r of rosters) {
      if (!r) continue;
      const name = programs.find((p) => p.id === r.program_id)?.name ?? r.program_id;
      // Reaching people is its own standing warning (rules.md ⚑), apart from coverage gaps.
      const channel = r.warnings.filter((w) => CHANNEL_WARNINGS.has(w.code));
      if (channel.length) {
        browserOnly.push(
          h(
            'li',
            null,
            h('strong', null, name),
            ' ',
            channel.some((w) => w.code === 'no_out_of_browser_channel')
              ? t('banner.browser_only_program')
              : tp('banner.browser_only_some', channel.length),
          ),
        );
      }
      const coverage = r.warnings.filter((w) => !CHANNEL_WARNINGS.has(w.code));
      if (r.gaps.length === 0 && coverage.length === 0) continue;
      const gaps = r.gaps.map((g) =>
        h('li', null, t('banner.gap', { tier: tierLabel(g.tier), range: fmtRange(g.starts, g.ends, r.time_zone) })),
      );
      items.push(
        h(
          'li',
          null,
          h('strong', null, name),
          gaps.length ? h('ul', null, gaps) : h('span', null, ' ', t('banner.warnings_only')),
          ' ',
          link('/on-call', { onclick: () => (state.selectedProgramId = r.program_id) }, t('banner.open_roster', { program: name })),
        ),
      );
    }
    if (target !== bannerEl) return;
    const channelBanner = browserOnly.length
      ? h(
          'section',
          { class: 'banner banner-warning', 'aria-labelledby': 'channel-banner-title', 'data-testid': 'channel-banner' },
          h('h2', { id: 'channel-banner-title' }, h('span', { 'aria-hidden': 'true', class: 'warn-icon' }, '!'), ' ', t('banner.browser_only_title')),
          h('ul', { class: 'banner-list' }, browserOnly),
        )
      : '';
    target.replaceChildren(
      channelBanner,
      items.length
        ? h(
            'section',
            { class: 'banner banner-warning', 'aria-labelledby': 'roster-banner-title', 'data-testid': 'roster-banner' },
            h('h2', { id: 'roster-banner-title' }, h('span', { 'aria-hidden': 'true', class: 'warn-icon' }, '!'), ' ', t('banner.title')),
            h('p', null, t('banner.explain')),
            h('ul', { class: 'banner-list' }, items),
          )
        : '',
    );
  } catch {
    /* the banner is advisory; screens report their own errors */
  }
}

export { navigate };
