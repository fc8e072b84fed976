// The patient app, mobile-first (360 px): home, help (crisis numbers and my safety plan) and my
// account. The Help button is fixed at the bottom of every screen: one tap, no loading.
import { h, mount } from '../dom';
import { api } from '../api';
import { isDemo } from '../api';
import { locale, t } from '../i18n';
import { fmtTime, fmtToday } from '../format';
import { link, startRouter, type Route } from '../router';
import { languageSelect, setAppRenderer } from '../session';
import { serverNow, state } from '../state';
import { loading, notice, pageTitle, problemText, screenTitle, section, skipLink } from '../ui';
import type { DueItem } from '../types';
import { safetyPlanView } from '../safetyplan';
import { openMeasure, renderCheckin, renderMeasure } from './checkin';
import { loadMyPlan, myPlan, pendingPlan } from './plan';
import { renderAccount } from '../account';
import { crisisList, resourcesFor } from './crisis';

function fmtShortDate(ts: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(new Date(ts));
}

let mainEl: HTMLElement;
let tabs: HTMLElement;

export function startPatientApp(root: HTMLElement): void {
  const routes: Route[] = [
    { path: '/', render: renderHome },
    { path: '/checkin', render: renderCheckin },
    { path: '/measure', render: renderMeasure },
    { path: '/help', render: renderHelp },
    { path: '/account', render: renderAccount },
    // My schedule and the meeting log: their own chunk, loaded when first opened.
    { path: '/schedule', render: async (v) => (await import('./ops')).renderMySchedule(v) },
    { path: '/meetings', render: async (v) => (await import('./ops')).renderMeetings(v) },
    { path: '/treatment-plan', render: (v) => import('./tplan').then((m) => m.renderMyTreatmentPlan(v)) },
  ];
  // The safety plan waits in memory for the Help screen.
  void loadMyPlan();
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
    if (a.dataset.path === route.path || (a.dataset.path === '/' && ['/checkin', '/measure', '/schedule', '/meetings', '/treatment-plan'].includes(route.path))) {
      a.setAttribute('aria-current', 'page');
    }
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

async function renderHome(root: HTMLElement): Promise<void> {
  const me = state.me!;
  const today = h('div', null, loading());
  root.append(
    pageTitle(t('patient.hello', { name: me.display_name }), h('p', { class: 'subtitle' }, fmtToday(me.time_zone, serverNow()))),
    today,
    section(
      t('patient.program_title'),
      me.program_name
        ? h('p', { class: 'program-name', 'data-testid': 'program-name' }, me.program_name)
        : h('p', null, t('patient.no_program')),
    ),
    section(
      t('pschedule.home_title'),
      h(
        'div',
        { class: 'stack' },
        link('/schedule', { class: 'btn btn-block', 'data-testid': 'open-schedule' }, t('pschedule.open')),
        link('/meetings', { class: 'btn btn-block', 'data-testid': 'open-meetings' }, t('meetings.open')),
      ),
    ),
    section(
      t('patient.help_title'),
      h('p', null, t('patient.help_note')),
      link('/help', { class: 'btn btn-block' }, t('patient.help_link')),
    ),
  );
  if (!me.patient_id || !me.program_id) {
    today.replaceChildren();
    return;
  }
  void loadMyPlan();
  let due: DueItem[];
  try {
    due = (await api<{ items: DueItem[] }>('GET', `/patients/${encodeURIComponent(me.patient_id)}/due`)).items;
  } catch (e) {
    today.replaceChildren(notice('error', problemText(e)));
    return;
  }
  const checkin = due.find((d) => d.kind === 'checkin');
  const measures = due.filter(
    (d) => d.kind === 'measure' && d.instrument && (d.status === 'due' || d.status === 'overdue') && (d.administration ?? 'self_report') === 'self_report',
  );
  const cards: HTMLElement[] = [];
  const tz = me.time_zone;
  if (checkin) {
    cards.push(
      section(
        t('patient.checkin_title'),
        checkin.status === 'done'
          ? h('p', { class: 'done-line', 'data-testid': 'checkin-done' }, h('span', { class: 'tag tag-ok' }, t('patient.checkin_done_tag')), ' ', t('patient.checkin_done'))
          : [
              h(
                'p',
                null,
                checkin.status === 'missed' ? t('patient.checkin_missed', { time: fmtTime(checkin.window_end, tz) }) : t('patient.checkin_due', { time: fmtTime(checkin.window_end, tz) }),
              ),
              link('/checkin', { class: 'btn btn-primary btn-block btn-large', 'data-testid': 'start-checkin' }, t('patient.checkin_start')),
            ],
      ),
    );
  } else {
    // Not a program day: nothing is due, and a check-in is still welcome.
    cards.push(
      section(
        t('patient.checkin_title'),
        h('p', null, t('patient.checkin_optional')),
        link('/checkin', { class: 'btn btn-block btn-large', 'data-testid': 'start-checkin' }, t('patient.checkin_start_optional')),
      ),
    );
  }
  if (measures.length) {
    cards.push(
      section(
        t('patient.measures_title'),
        h('p', { class: 'muted' }, t('patient.measures_note')),
        h(
          'ul',
          { class: 'plain measure-list' },
          measures.map((m) =>
            h(
              'li',
              null,
              h(
                'button',
                { type: 'button', class: 'btn btn-block measure-btn', onclick: () => openMeasure(m.instrument!) },
                h('span', { class: 'measure-title' }, m.title ?? m.instrument!),
                h('span', { class: 'muted small' }, measureWhen(m, tz)),
              ),
            ),
          ),
        ),
      ),
    );
  }
  const planCard = await treatmentPlanTeaser(me.patient_id);
  if (planCard) cards.push(planCard);
  mount(today, cards);
}

/** When a measure is due: today (a rule asked for it), or by the last day of its window. */
function measureWhen(m: DueItem, tz: string | undefined): string {
  if (m.schedule === 'now') return t('patient.measure_today');
  const date = fmtShortDate(new Date(Date.parse(m.window_end) - 1).toISOString(), tz);
  return m.schedule === 'at_discharge' ? t('patient.measure_at_discharge', { date }) : t('patient.measure_by', { date });
}

/** A card for the treatment plan, saying when there is a version the patient has not read yet. */
async function treatmentPlanTeaser(patientId: string): Promise<HTMLElement | null> {
  let tp: { plan: unknown; acknowledged_current: boolean };
  try {
    tp = await api('GET', `/patients/${encodeURIComponent(patientId)}/treatment-plan`);
  } catch {
    return null;
  }
  if (!tp.plan) return null;
  return section(
    t('tplan.my_title'),
    tp.acknowledged_current
      ? h('p', null, t('tplan.my_teaser_read'))
      : h('p', { 'data-testid': 'tplan-new' }, h('span', { class: 'tag tag-warn' }, t('tplan.my_new_tag')), ' ', t('tplan.my_teaser_new')),
    link('/treatment-plan', { class: `btn btn-block${tp.acknowledged_current ? '' : ' btn-primary'}`, 'data-testid': 'open-tplan' }, t('tplan.my_open')),
  );
}

async function renderHelp(root: HTMLElement): Promise<void> {
  const list = resourcesFor(state.me?.crisis_resources ?? []);
  const planBox = h('div');
  root.append(
    pageTitle(t('crisis.title')),
    notice('warning', h('strong', null, t('crisis.danger'))),
    section(t('crisis.numbers'), list.length ? crisisList(list) : h('p', null, t('crisis.no_numbers'))),
    section(t('crisis.safety_plan'), planBox),
  );
  const draw = () => {
    const plan = myPlan();
    planBox.replaceChildren(
      plan
        ? safetyPlanView(plan, true)
        : h('div', null, h('p', null, t('crisis.safety_plan_pending')), h('p', { class: 'muted' }, t('crisis.safety_plan_hint'))),
    );
  };
  draw();
  // Shown from memory; a load already under way fills it in (no new request: this screen must
  // work offline).
  const pending = pendingPlan();
  if (myPlan() === undefined && pending) {
    await pending;
    draw();
  }
}
