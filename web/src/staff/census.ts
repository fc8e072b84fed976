// Census: every active patient of the user's programs with risk, last check-in, hours this week
// against the minimum, days in program and open alerts. Sorting (column header buttons with
// aria-sort) and filtering happen in memory; a row is built once and reordered, so 200 patients
// render and re-sort quickly.
import { append, h, uid } from '../dom';
import { api } from '../api';
import { t, tp } from '../i18n';
import { fmtNumber, fmtShortDateTime } from '../format';
import { RISK_ORDER, SEVERITIES, riskLabel } from '../labels';
import type { Census, CensusRow, Program } from '../types';
import { loading, notice, pageTitle, showProblem } from '../ui';
import { chartLink, fullName, myPrograms, programScope, riskTag, scopedPrograms, severityTag } from './common';

type Col = 'name' | 'risk' | 'last' | 'hours' | 'days' | 'alerts';
interface Row extends CensusRow {
  program: Program;
}

const view = {
  sort: 'risk' as Col,
  desc: true,
  name: '',
  minRisk: '',
  notCheckedIn: false,
  withAlerts: false,
};

const SEV_RANK = (s: string | null) => (s ? SEVERITIES.length - SEVERITIES.indexOf(s as (typeof SEVERITIES)[number]) : 0);

export async function renderCensus(root: HTMLElement): Promise<void> {
  const problems = h('div', { tabindex: '-1' });
  let programs: Program[];
  try {
    programs = await myPrograms();
  } catch (e) {
    root.append(pageTitle(t('census.title')), problems);
    showProblem(problems, e);
    return;
  }
  const tz = programs[0]?.time_zone;
  const results = h('div', { class: 'results' }, loading());
  const summary = h('p', { class: 'result-summary', role: 'status', 'data-testid': 'census-summary' });

  const nameId = uid('f');
  const riskId = uid('f');
  const ncId = uid('f');
  const waId = uid('f');
  const filters = h(
    'form',
    { class: 'search-bar', role: 'search', 'aria-label': t('census.filter_label'), onsubmit: (e: SubmitEvent) => e.preventDefault() },
    h(
      'div',
      { class: 'field' },
      h('label', { for: nameId }, t('census.filter_name')),
      h('input', { id: nameId, type: 'search', autocomplete: 'off', value: view.name, oninput: (e: Event) => ((view.name = (e.target as HTMLInputElement).value), apply()) }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: riskId }, t('census.filter_risk')),
      h(
        'select',
        { id: riskId, onchange: (e: Event) => ((view.minRisk = (e.target as HTMLSelectElement).value), apply()) },
        h('option', { value: '', selected: view.minRisk === '' }, t('census.any_risk')),
        ['low', 'moderate', 'high'].map((r) => h('option', { value: r, selected: view.minRisk === r }, t('census.at_least', { level: riskLabel(r) }))),
      ),
    ),
    h(
      'div',
      { class: 'checks' },
      h('div', { class: 'check' }, h('input', { id: ncId, type: 'checkbox', checked: view.notCheckedIn, onchange: (e: Event) => ((view.notCheckedIn = (e.target as HTMLInputElement).checked), apply()) }), h('label', { for: ncId }, t('census.not_checked_in'))),
      h('div', { class: 'check' }, h('input', { id: waId, type: 'checkbox', checked: view.withAlerts, onchange: (e: Event) => ((view.withAlerts = (e.target as HTMLInputElement).checked), apply()) }), h('label', { for: waId }, t('census.with_alerts'))),
    ),
  );

  append(root, [
    pageTitle(t('census.title')),
    programScope(programs, () => void load()),
    filters,
    summary,
    problems,
    results,
  ]);

  let rows: Row[] = [];
  const trs = new Map<string, HTMLTableRowElement>();
  let tbody: HTMLTableSectionElement | null = null;
  let headers: Map<Col, HTMLTableCellElement> = new Map();
  let several = false;

  const cmp: Record<Col, (a: Row, b: Row) => number> = {
    name: (a, b) => fullName(a).localeCompare(fullName(b)),
    risk: (a, b) => RISK_ORDER.indexOf(a.risk_level) - RISK_ORDER.indexOf(b.risk_level),
    last: (a, b) => (a.last_checkin_at ? Date.parse(a.last_checkin_at) : 0) - (b.last_checkin_at ? Date.parse(b.last_checkin_at) : 0),
    hours: (a, b) => attendedHours(a) - attendedHours(b),
    days: (a, b) => a.days_in_program - b.days_in_program,
    alerts: (a, b) => SEV_RANK(a.open_alerts.max_severity) - SEV_RANK(b.open_alerts.max_severity) || a.open_alerts.count - b.open_alerts.count,
  };

  function attendedHours(r: Row): number {
    const wk = r.hours_this_week;
    if (wk === null || wk === undefined) return -1;
    return typeof wk === 'object' ? wk.attended_minutes / 60 : wk;
  }

  function buildRow(r: Row): HTMLTableRowElement {
    const wk = r.hours_this_week;
    const min = wk && typeof wk === 'object' ? wk.minimum_minutes / 60 : r.program.min_hours_per_week;
    const done = attendedHours(r);
    const outOfReach = !!wk && typeof wk === 'object' && !wk.reachable && wk.attended_minutes < wk.minimum_minutes;
    const hours =
      wk === null || wk === undefined
        ? h('span', { title: t('census.hours_pending') }, '—', h('span', { class: 'visually-hidden' }, ` ${t('census.hours_pending')}`))
        : [
            min
              ? h('span', { class: done < min ? 'below-min' : '' }, t('census.hours_of', { h: fmtNumber(done), min: fmtNumber(min) }))
              : fmtNumber(done),
            outOfReach ? h('span', { class: 'tag tag-warn block-tag' }, t('hours.out_of_reach')) : null,
          ];
    return h(
      'tr',
      { 'data-key': r.patient_id },
      h('th', { scope: 'row' }, chartLink(r.patient_id, fullName(r)), several ? h('span', { class: 'muted small block' }, r.program.name) : null),
      h('td', null, riskTag(r.risk_level)),
      h(
        'td',
        null,
        r.last_checkin_at ? fmtShortDateTime(r.last_checkin_at, tz) : h('span', { class: 'muted' }, t('census.never')),
        r.checked_in_today ? h('span', { class: 'tag tag-ok' }, t('census.today')) : null,
      ),
      h('td', { class: 'num' }, hours),
      h('td', { class: 'num' }, fmtNumber(r.days_in_program)),
      h(
        'td',
        null,
        r.open_alerts.count
          ? [severityTag(r.open_alerts.max_severity ?? 'info'), ' ', h('span', { class: 'small' }, tp('census.alerts_n', r.open_alerts.count))]
          : h('span', { class: 'muted' }, '—', h('span', { class: 'visually-hidden' }, t('census.no_alerts'))),
      ),
    );
  }

  function header(col: Col, label: string, numeric = false): HTMLTableCellElement {
    const th = h(
      'th',
      { scope: 'col', class: numeric ? 'num' : '' },
      h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'data-col': col,
          onclick: () => {
            if (view.sort === col) view.desc = !view.desc;
            else {
              view.sort = col;
              view.desc = col !== 'name';
            }
            apply();
          },
        },
        label,
        h('span', { class: 'sort-icon', 'aria-hidden': 'true' }),
      ),
    );
    headers.set(col, th);
    return th;
  }

  function buildTable(): HTMLElement {
    headers = new Map();
    trs.clear();
    for (const r of rows) trs.set(r.patient_id, buildRow(r));
    tbody = h('tbody');
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'census', 'data-testid': 'census-table' },
        h('caption', { class: 'visually-hidden' }, t('census.caption')),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            header('name', t('census.col_name')),
            header('risk', t('census.col_risk')),
            header('last', t('census.col_last')),
            header('hours', t('census.col_hours'), true),
            header('days', t('census.col_days'), true),
            header('alerts', t('census.col_alerts')),
          ),
        ),
        tbody,
      ),
    );
  }

  function apply(): void {
    if (!tbody) return;
    const q = view.name.trim().toLocaleLowerCase();
    const min = view.minRisk ? RISK_ORDER.indexOf(view.minRisk as (typeof RISK_ORDER)[number]) : 0;
    const shown = rows.filter(
      (r) =>
        (!q || fullName(r).toLocaleLowerCase().includes(q) || `${r.given_name} ${r.family_name}`.toLocaleLowerCase().includes(q)) &&
        RISK_ORDER.indexOf(r.risk_level) >= min &&
        (!view.notCheckedIn || !r.checked_in_today) &&
        (!view.withAlerts || r.open_alerts.count > 0),
    );
    const c = cmp[view.sort];
    shown.sort((a, b) => (view.desc ? -c(a, b) : c(a, b)) || cmp.name(a, b));
    tbody.replaceChildren(...shown.map((r) => trs.get(r.patient_id)!));
    for (const [col, th] of headers) {
      if (col === view.sort) th.setAttribute('aria-sort', view.desc ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    }
    summary.textContent = tp('census.shown', shown.length, { total: rows.length });
    tbody.closest('table')!.dataset.rows = String(shown.length);
  }

  async function load(): Promise<void> {
    const scoped = scopedPrograms(programs);
    several = scoped.length > 1;
    results.replaceChildren(loading());
    problems.replaceChildren();
    try {
      const lists = await Promise.all(
        scoped.map((p) => api<Census>('GET', `/census?program_id=${encodeURIComponent(p.id)}`).then((c) => c.items.map((r) => ({ ...r, program: p })))),
      );
      rows = lists.flat();
      if (!rows.length) {
        tbody = null;
        summary.textContent = '';
        results.replaceChildren(notice('info', t('census.none')));
        return;
      }
      results.replaceChildren(buildTable());
      apply();
    } catch (e) {
      results.replaceChildren();
      showProblem(problems, e);
    }
  }

  await load();
}
