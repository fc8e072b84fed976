// Alerts: the list (live for active alerts) and one alert with its reasons, history and what can
// be done about it: acknowledge (with an optional note), mark seen, resolve (a note is
// required), open a crisis. Which alert is open lives in memory (state.selectedAlertId).
import { h, mount, uid, type Child } from '../dom';
import { api, all } from '../api';
import { t } from '../i18n';
import { fmtRelative, fmtShortDateTime } from '../format';
import { alertEventLabel, alertStatusLabel, channelLabel, severityLabel } from '../labels';
import { activeAlerts, applyAlert, markRead, onLive } from '../live';
import { link, navigate } from '../router';
import { programName, serverNow, staffName, state } from '../state';
import type { Alert, AlertDetail, Crisis, Program } from '../types';
import { busy, dl, loading, notice, pageTitle, section, selectField, showProblem, table } from '../ui';
import {
  alertLink,
  chartLink,
  clinicTimeZone,
  crisisLink,
  fullName,
  isLicensedClinician,
  mayAcknowledge,
  myPrograms,
  programScope,
  scopedPrograms,
  severityTag,
} from './common';

const STATUSES = ['active', 'open', 'acknowledged', 'escalated', 'resolved', 'all'] as const;
const view = { status: 'active' as (typeof STATUSES)[number] };

export async function renderAlerts(root: HTMLElement): Promise<void> {
  const problems = h('div', { tabindex: '-1' });
  let programs: Program[];
  try {
    programs = await myPrograms();
  } catch (e) {
    root.append(pageTitle(t('alerts.title')), problems);
    showProblem(problems, e);
    return;
  }
  const tz = programs[0]?.time_zone;
  const results = h('div', { class: 'results' });
  const statusLabels: Record<(typeof STATUSES)[number], string> = {
    active: t('alerts.status_active'),
    open: alertStatusLabel('open'),
    acknowledged: alertStatusLabel('acknowledged'),
    escalated: alertStatusLabel('escalated'),
    resolved: alertStatusLabel('resolved'),
    all: t('alerts.status_all'),
  };
  const statusSel = selectField(
    t('alerts.status'),
    STATUSES.map((s) => ({ value: s, label: statusLabels[s] })),
    view.status,
    {
      onchange: (e: Event) => {
        view.status = (e.target as HTMLSelectElement).value as (typeof STATUSES)[number];
        void load();
      },
    },
  );
  root.append(
    pageTitle(t('alerts.title')),
    h('p', { class: 'lead' }, t('alerts.intro')),
    h('div', { class: 'filters' }, statusSel.wrap, programScope(programs, () => void load())),
    problems,
    results,
  );

  const inScope = (a: Alert) => scopedPrograms(programs).some((p) => p.id === a.program_id);

  function draw(list: Alert[]): void {
    if (!list.length) {
      results.replaceChildren(notice('info', t('alerts.none')));
      return;
    }
    const now = serverNow();
    results.replaceChildren(
      table(
        t('alerts.title'),
        [t('alerts.col_severity'), t('alerts.col_patient'), t('alerts.col_reasons'), t('alerts.col_raised'), t('alerts.col_deadline'), t('alerts.col_status')],
        list.map((a) => [
          severityTag(a.severity),
          alertLink(a.id, fullName(a.patient), { class: 'row-link', 'data-key': a.id }),
          a.reasons.length ? h('ul', { class: 'reasons' }, a.reasons.map((r) => h('li', null, r))) : '',
          fmtShortDateTime(a.raised_at, tz),
          a.deadline && a.status !== 'resolved'
            ? h('span', { class: Date.parse(a.deadline) < now ? 'overdue' : '' }, fmtRelative(a.deadline, now))
            : '',
          alertStatusLabel(a.status),
        ]),
        { 'data-testid': 'alerts-table' },
      ),
    );
  }

  async function load(): Promise<void> {
    problems.replaceChildren();
    if (view.status === 'active') {
      draw(activeAlerts().filter(inScope));
      return;
    }
    results.replaceChildren(loading());
    try {
      const scoped = scopedPrograms(programs);
      const lists = await Promise.all(
        scoped.map((p) => all<Alert>(`/alerts?status=${view.status}&program_id=${encodeURIComponent(p.id)}`)),
      );
      draw(lists.flat());
    } catch (e) {
      results.replaceChildren();
      showProblem(problems, e);
    }
  }

  const off = onLive(() => {
    if (!root.isConnected) return off();
    if (view.status === 'active') draw(activeAlerts().filter(inScope));
  });
  await load();
}

function backLink(): HTMLElement {
  const path = state.backPath || '/today';
  const label =
    path === '/alerts' ? t('alert.back_alerts') : path === '/chart' ? t('alert.back_chart') : path === '/census' ? t('alert.back_census') : t('alert.back_today');
  return h('p', { class: 'back' }, link(path, {}, h('span', { 'aria-hidden': 'true' }, '\u2190 '), label));
}

export async function renderAlert(root: HTMLElement): Promise<void> {
  const id = state.selectedAlertId;
  root.append(backLink());
  if (!id) {
    root.append(pageTitle(t('alert.title')), notice('info', t('alert.none_selected')));
    return;
  }
  markRead(id);
  const body = h('div', null, loading());
  root.append(body);
  const tz = await clinicTimeZone();
  let alert: AlertDetail;
  let crises: Crisis[] = [];
  try {
    alert = await api<AlertDetail>('GET', `/alerts/${encodeURIComponent(id)}`);
  } catch (e) {
    const problems = h('div', { tabindex: '-1' });
    body.replaceChildren(pageTitle(t('alert.title')), problems);
    showProblem(problems, e);
    return;
  }
  if (isLicensedClinician()) {
    crises = await api<{ items: Crisis[] }>('GET', `/crises?patient_id=${encodeURIComponent(alert.patient_id)}&status=open`)
      .then((r) => r.items)
      .catch(() => []);
  }

  const head = h('div');
  const facts = h('div');
  const history = h('div');
  const actions = h('div', { class: 'stack' });
  body.replaceChildren(
    head,
    h(
      'div',
      { class: 'grid' },
      section(t('alert.what'), facts),
      section(t('alert.actions'), actions),
    ),
    h('div', { class: 'spaced' }, section(t('alert.history'), history)),
  );

  async function draw(a: AlertDetail, done?: string): Promise<void> {
    alert = a;
    const title = pageTitle(
      t('alert.heading', { severity: severityLabel(a.severity), name: fullName(a.patient) }),
      h(
        'p',
        { class: 'subtitle' },
        severityTag(a.severity),
        ' ',
        h('span', { class: `tag status-${a.status}`, 'data-testid': 'alert-status' }, alertStatusLabel(a.status)),
        ' ',
        chartLink(a.patient_id, t('alert.open_chart')),
      ),
    );
    title.querySelector('h1')!.dataset.windowTitle = t('alert.title');
    head.replaceChildren(title);

    const names = await namesOf([a.acknowledged_by, a.resolved_by ?? null, ...a.history.flatMap((e) => [e.user_id, e.recipient_id])]);
    const now = serverNow();
    const pairs: [string, Child][] = [
      [t('alert.reasons'), a.reasons.length ? h('ul', { class: 'reasons' }, a.reasons.map((r) => h('li', null, r))) : ''],
      [t('alert.program'), (await programName(a.program_id)) ?? ''],
      [t('alert.raised'), fmtShortDateTime(a.raised_at, tz)],
    ];
    if (a.deadline && a.status !== 'resolved' && a.status !== 'acknowledged') {
      const over = Date.parse(a.deadline) < now;
      pairs.push([
        t('alert.deadline'),
        h('span', { class: over ? 'overdue' : '' }, `${fmtShortDateTime(a.deadline, tz)} (${fmtRelative(a.deadline, now)})`),
      ]);
    }
    if (a.escalation_step > 0) pairs.push([t('alert.escalation'), t('alert.step', { n: a.escalation_step })]);
    if (a.acknowledged_by) pairs.push([t('alert.acknowledged_by'), `${names.get(a.acknowledged_by) ?? ''} · ${fmtShortDateTime(a.acknowledged_at, tz)}`]);
    if (a.resolved_by) pairs.push([t('alert.resolved_by'), `${names.get(a.resolved_by) ?? ''} · ${fmtShortDateTime(a.resolved_at, tz)}`]);
    facts.replaceChildren(dl(pairs));

    history.replaceChildren(
      table(
        t('alert.history'),
        [t('alert.col_time'), t('alert.col_event'), t('alert.col_who'), t('alert.col_detail')],
        a.history.map((e) => [
          fmtShortDateTime(e.at, tz),
          alertEventLabel(e.kind),
          (e.user_id && names.get(e.user_id)) || (e.recipient_id && names.get(e.recipient_id)) || '',
          historyDetail(e.kind, e.detail, e.channels),
        ]),
        { 'data-testid': 'alert-history' },
      ),
    );
    // The actions change only with the alert's state: a live update while someone types a note
    // must not wipe it.
    const shape = `${a.status}|${a.severity}|${crises.map((c) => c.id).join()}`;
    if (done || shape !== drawnShape) {
      drawnShape = shape;
      drawActions(done);
    }
  }
  let drawnShape = '';

  function drawActions(done?: string): void {
    const a = alert;
    const items: Child[] = [];
    const status = h('div', { tabindex: '-1' });
    const urgent = a.severity === 'high' || a.severity === 'imminent';
    if (done) items.push(notice('success', done));
    if (a.status === 'resolved') {
      if (!done) items.push(notice('success', t('alert.is_resolved')));
    } else {
      if (a.status !== 'acknowledged') {
        if (mayAcknowledge(a)) items.push(noteForm('ack', t('alert.acknowledge'), t('alert.ack_note'), false, (note) => act('acknowledge', note ? { note } : {})));
        else if (urgent) {
          items.push(
            h('p', { class: 'muted' }, t('alert.seen_explain')),
            h(
              'button',
              {
                type: 'button',
                class: 'btn',
                onclick: async (ev: MouseEvent) => {
                  try {
                    await busy(ev.currentTarget as HTMLButtonElement, () => api('POST', `/alerts/${encodeURIComponent(a.id)}/seen`));
                    await reload(t('alert.seen_done'));
                  } catch (e) {
                    showProblem(status, e);
                  }
                },
              },
              t('alert.mark_seen'),
            ),
          );
        }
      } else if (!done) {
        items.push(notice('success', t('alert.is_acknowledged')));
      }
      if (isLicensedClinician()) {
        const open = crises.find((c) => c.status === 'open');
        items.push(
          open
            ? crisisLink(open.id, t('alert.go_to_crisis'), { class: 'btn btn-danger' })
            : h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-danger',
                  onclick: async (ev: MouseEvent) => {
                    try {
                      const c = await busy(ev.currentTarget as HTMLButtonElement, () =>
                        api<Crisis>('POST', '/crises', { patient_id: a.patient_id, alert_id: a.id }),
                      );
                      state.selectedCrisisId = c.id;
                      state.backPath = '/alert';
                      navigate('/crisis');
                    } catch (e) {
                      showProblem(status, e);
                    }
                  },
                },
                t('alert.open_crisis'),
              ),
        );
      }
      if (mayAcknowledge(a)) {
        items.push(
          h(
            'details',
            { class: 'edit' },
            h('summary', null, t('alert.resolve_title')),
            noteForm('resolve', t('alert.resolve'), t('alert.resolve_note'), true, (note) => act('resolve', { note })),
          ),
        );
      }
    }
    mount(actions, items, status);
    if (done) {
      const n = actions.querySelector<HTMLElement>('.notice');
      n?.setAttribute('tabindex', '-1');
      n?.focus();
    }

    async function act(what: 'acknowledge' | 'resolve', bodyObj: Record<string, string>): Promise<void> {
      const updated = await api<AlertDetail>('POST', `/alerts/${encodeURIComponent(a.id)}/${what}`, bodyObj);
      const full = updated.history ? updated : await api<AlertDetail>('GET', `/alerts/${encodeURIComponent(a.id)}`);
      alert = full;
      applyAlert(full);
      await draw(full, what === 'acknowledge' ? t('alert.ack_done') : t('alert.resolve_done'));
    }
  }

  function noteForm(
    kind: string,
    submitLabel: string,
    noteLabel: string,
    required: boolean,
    submit: (note: string) => Promise<void>,
  ): HTMLElement {
    const noteId = uid('note');
    const errId = uid('err');
    const note = h('textarea', { id: noteId, name: `${kind}-note`, rows: 2, required });
    const err = h('p', { class: 'field-error', id: errId, hidden: true });
    const status = h('div', { tabindex: '-1' });
    const btn = h('button', { type: 'submit', class: kind === 'ack' ? 'btn btn-primary' : 'btn' }, submitLabel);
    return h(
      'form',
      {
        class: 'stack note-form',
        novalidate: true,
        'data-testid': `${kind}-form`,
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          err.hidden = true;
          note.removeAttribute('aria-invalid');
          const v = note.value.trim();
          if (required && v.length < 3) {
            err.textContent = t('err.min_length', { n: 3 });
            err.hidden = false;
            note.setAttribute('aria-invalid', 'true');
            note.setAttribute('aria-describedby', errId);
            note.focus();
            return;
          }
          try {
            await busy(btn, () => submit(v));
          } catch (e) {
            showProblem(status, e);
          }
        },
      },
      h('div', { class: 'field' }, h('label', { for: noteId }, noteLabel, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null), note, err),
      status,
      h('div', { class: 'actions' }, btn),
    );
  }

  async function reload(done?: string): Promise<void> {
    const a = await api<AlertDetail>('GET', `/alerts/${encodeURIComponent(alert.id)}`);
    alert = a;
    applyAlert(a);
    await draw(a, done);
  }

  await draw(alert);
  // Someone else acknowledges, or the alert escalates, while it is open here.
  const off = onLive(() => {
    if (!root.isConnected) return off();
    const cur = activeAlerts().find((x) => x.id === alert.id);
    if (cur && cur.version > alert.version) void reload().catch(() => undefined);
  });
}

async function namesOf(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  const names = await Promise.all(unique.map(async (id) => [id, (await staffName(id)) ?? t('chart.not_visible')] as const));
  return new Map(names);
}

function historyDetail(kind: string, detail: string | null, channels: string[]): Child {
  const parts: Child[] = [];
  if (kind === 'notified' && channels.length) parts.push(channels.map(channelLabel).join(', '));
  if (detail) {
    if (kind === 'acknowledged' || kind === 'resolved') parts.push(h('q', null, detail));
    else if (/^step \d+$/.test(detail)) parts.push(t('alert.step', { n: detail.slice(5) }));
    else if (kind === 'raised') parts.push(sourceLabel(detail));
    else if (kind === 'notified' && detail !== 'raised') parts.push(`(${alertEventLabel(detail)})`);
  }
  return parts.length ? parts.flatMap((p, i) => (i ? [' ', p] : [p])) : '';
}

function sourceLabel(s: string): string {
  if (s === 'checkin') return t('alert.from_checkin');
  if (s === 'assessment') return t('alert.from_measure');
  if (s === 'refused_assessment' || s === 'refused_checkin') return t('alert.from_refused');
  return t('alert.from_other');
}
