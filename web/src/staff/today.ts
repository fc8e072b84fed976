// Today: the landing screen of clinical staff. Urgent things first: open alerts by severity,
// updating live from the alert stream; then the day's check-ins (received with their risk, and
// who has not checked in yet), measures due now, and sessions, reviews and co-signatures when
// the worklist has them. The on-call gap warning is the shell's banner above every screen.
import { append, h, mount, uid, type Child } from '../dom';
import { api } from '../api';
import { t, tp } from '../i18n';
import { fmtDate, fmtRelative, fmtShortDateTime, fmtTime, fmtToday, localDay } from '../format';
import { RISK_ORDER, SEVERITIES, alertStatusLabel, dueReasonLabel, instrumentName, measureScheduleLabel, severityLabel } from '../labels';
import { activeAlerts, hasLoaded, isFresh, liveStatus, onCheckin, onLive, type CheckinEvent, type LiveStatus } from '../live';
import { setSound, soundOn } from '../sound';
import { link } from '../router';
import { serverNow } from '../state';
import type { Alert, Program, Worklist } from '../types';
import { button, loading, pageTitle, showProblem } from '../ui';
import {
  alertLink,
  chartLink,
  fullName,
  myPrograms,
  programScope,
  riskTag,
  scopedPrograms,
  seesAlerts,
  severityTag,
} from './common';

const CALM_SHOWN = 8;

export async function renderToday(root: HTMLElement): Promise<void> {
  let programs: Program[] = [];
  const problems = h('div', { tabindex: '-1' });
  try {
    programs = await myPrograms();
  } catch (e) {
    root.append(pageTitle(t('today.title')), problems);
    showProblem(problems, e);
    return;
  }
  const tz = programs[0]?.time_zone;
  const live = seesAlerts();

  const liveBar = live ? h('div', { class: 'live-bar', 'data-testid': 'live-status' }) : null;
  const announcer = h('div', { class: 'visually-hidden', 'aria-live': 'assertive', 'data-testid': 'announcer' });
  const checkinNews = h('div', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'checkin-announcer' });
  const alertsBox = live ? h('div') : null;
  const workBox = h('div', { class: 'stack-lg' }, loading());
  const scope = programScope(programs, () => {
    drawAlerts();
    void loadWork();
  });

  append(root, [
    pageTitle(t('today.title'), h('p', { class: 'subtitle' }, fmtToday(tz, serverNow()))),
    scope,
    liveBar,
    announcer,
    checkinNews,
    problems,
    alertsBox ? h('div', { class: 'today-alerts' }, alertsBox) : null,
    workBox,
  ]);

  // ---- alerts (live) ----
  const inScope = (a: Alert) => scopedPrograms(programs).some((p) => p.id === a.program_id);

  function drawLiveBar(): void {
    if (!liveBar) return;
    const s: LiveStatus = liveStatus();
    const text: Record<LiveStatus, string> = {
      off: t('live.connecting'),
      connecting: t('live.connecting'),
      live: t('live.on'),
      reconnecting: t('live.reconnecting'),
      paused: t('live.paused'),
    };
    const soundId = uid('snd');
    liveBar.className = `live-bar live-${s}`;
    liveBar.replaceChildren(
      h('p', { class: 'live-text', role: 'status' }, h('span', { class: 'live-dot', 'aria-hidden': 'true' }), text[s]),
      h(
        'div',
        { class: 'check' },
        h('input', {
          id: soundId,
          type: 'checkbox',
          checked: soundOn(),
          'data-testid': 'sound-toggle',
          onchange: (e: Event) => setSound((e.target as HTMLInputElement).checked),
        }),
        h('label', { for: soundId }, t('live.sound')),
      ),
    );
  }

  function drawAlerts(): void {
    if (!alertsBox) return;
    const list = activeAlerts().filter(inScope);
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, list.filter((a) => a.severity === s).length]));
    // Every imminent and high alert; the calmer ones up to a handful (the rest are a click away).
    const urgent = list.filter((a) => a.severity === 'imminent' || a.severity === 'high');
    const calm = list.filter((a) => a.severity !== 'imminent' && a.severity !== 'high');
    const shown = [...urgent, ...calm.slice(0, Math.max(0, CALM_SHOWN))];
    const hidden = list.length - shown.length;
    const headId = uid('sec');
    const keep = focusKey(alertsBox);
    alertsBox.replaceChildren(
      h(
        'section',
        { class: 'card card-alerts', 'aria-labelledby': headId },
        h('h2', { id: headId }, t('today.alerts_title')),
        h(
          'ul',
          { class: 'sev-counts', 'data-testid': 'severity-counts' },
          SEVERITIES.map((s) =>
            h(
              'li',
              { class: `sev-count sev-count-${s}${counts[s] ? ' has' : ''}`, 'data-severity': s },
              h('span', { class: 'sev-count-n' }, String(counts[s])),
              h('span', { class: 'sev-count-label' }, severityLabel(s)),
            ),
          ),
        ),
        list.length
          ? h('ul', { class: 'alert-list', 'data-testid': 'today-alerts' }, shown.map(alertItem))
          : h('p', { class: 'muted' }, hasLoaded() || liveStatus() === 'live' ? t('today.no_alerts') : t('common.loading')),
        hidden ? h('p', { class: 'more' }, link('/alerts', {}, tp('today.more_alerts', hidden))) : null,
      ),
    );
    restoreFocus(alertsBox, keep);
  }

  function alertItem(a: Alert): HTMLElement {
    const now = serverNow();
    const overdue = a.deadline && Date.parse(a.deadline) < now;
    return h(
      'li',
      { class: `alert-item sev-${a.severity}${isFresh(a.id) ? ' fresh' : ''}`, 'data-key': a.id },
      h(
        'div',
        { class: 'alert-head' },
        severityTag(a.severity),
        isFresh(a.id) ? h('span', { class: 'tag tag-new' }, t('today.new')) : null,
        alertLink(a.id, fullName(a.patient), { class: 'alert-name', 'data-key': a.id }),
        h('span', { class: `tag status-${a.status}` }, alertStatusLabel(a.status)),
      ),
      a.reasons.length ? h('ul', { class: 'reasons' }, a.reasons.map((r) => h('li', null, r))) : null,
      h(
        'p',
        { class: 'alert-meta' },
        t('today.raised_at', { time: fmtTime(a.raised_at, tz) }),
        a.deadline
          ? [
              ' · ',
              h(
                'span',
                { class: overdue ? 'overdue' : '' },
                overdue
                  ? t('today.ack_overdue', { time: fmtTime(a.deadline, tz), rel: fmtRelative(a.deadline, now) })
                  : t('today.ack_by', { time: fmtTime(a.deadline, tz), rel: fmtRelative(a.deadline, now) }),
              ),
            ]
          : null,
      ),
    );
  }

  // ---- the day's worklist ----
  // The lists as last read; check-ins arriving on the live stream are merged into them.
  let current: { p: Program; w: Worklist }[] = [];
  let checkinsEl: HTMLElement | null = null;
  let stale = false;

  async function loadWork(): Promise<void> {
    const scoped = scopedPrograms(programs);
    workBox.setAttribute('aria-busy', 'true');
    try {
      const lists = await Promise.all(
        scoped.map((p) => api<Worklist>('GET', `/worklist?program_id=${encodeURIComponent(p.id)}`).then((w) => ({ p, w }))),
      );
      current = lists;
      stale = false;
      mount(workBox, drawWork(lists, scoped.length > 1));
    } catch (e) {
      workBox.replaceChildren();
      showProblem(problems, e);
    } finally {
      workBox.removeAttribute('aria-busy');
    }
  }

  /**
   * A check-in from the live stream: the patient moves from "not yet" to "received" (or their
   * entry is updated) without asking the server. Only someone the list does not name (say, a
   * patient admitted since it was read) leaves it behind, and then the list says so.
   */
  function applyCheckin(c: CheckinEvent): void {
    const entry = current.find(({ p, w }) => p.id === c.program_id && w.date === c.local_date);
    if (!entry || !checkinsEl) return;
    const { w } = entry;
    const known = w.checkins.missing.find((m) => m.patient_id === c.patient_id) ?? w.checkins.received.find((r) => r.patient_id === c.patient_id);
    if (!known) {
      stale = true;
    } else {
      w.checkins.missing = w.checkins.missing.filter((m) => m.patient_id !== c.patient_id);
      w.checkins.received = [
        ...w.checkins.received.filter((r) => r.patient_id !== c.patient_id),
        { patient_id: known.patient_id, given_name: known.given_name, family_name: known.family_name, submitted_at: c.submitted_at, risk_level: c.risk.level },
      ];
      checkinNews.textContent = t('today.checked_in_live', { name: fullName(known) });
    }
    // Keep the keyboard where it was (a name's link, or the Refresh button).
    const focused = document.activeElement instanceof HTMLElement && checkinsEl.contains(document.activeElement) ? document.activeElement : null;
    const next = checkinsSection(current, current.length > 1);
    checkinsEl.replaceWith(next);
    checkinsEl = next;
    if (focused) {
      const same = [...next.querySelectorAll<HTMLElement>(focused.tagName)].find((el) => el.textContent === focused.textContent);
      (same ?? next.querySelector<HTMLElement>('button'))?.focus();
    }
  }

  function drawWork(lists: { p: Program; w: Worklist }[], several: boolean): Child[] {
    checkinsEl = checkinsSection(lists, several);
    const out: Child[] = [checkinsEl];
    const progName = (p: Program) => (several ? h('span', { class: 'muted small' }, ` · ${p.name}`) : null);
    return [...out, ...moreWork(lists, progName)];
  }

  function checkinsSection(lists: { p: Program; w: Worklist }[], several: boolean): HTMLElement {
    const progName = (p: Program) => (several ? h('span', { class: 'muted small' }, ` · ${p.name}`) : null);
    const received = lists.flatMap(({ p, w }) => w.checkins.received.map((r) => ({ ...r, p })));
    const missing = lists.flatMap(({ p, w }) => w.checkins.missing.map((r) => ({ ...r, p })));
    received.sort(
      (a, b) =>
        RISK_ORDER.indexOf(b.risk_level) - RISK_ORDER.indexOf(a.risk_level) ||
        Date.parse(a.submitted_at) - Date.parse(b.submitted_at),
    );
    missing.sort((a, b) => fullName(a).localeCompare(fullName(b)));
    const total = received.length + missing.length;
    const cutoffs = [...new Set(lists.map(({ w }) => fmtTime(w.checkin_cutoff, tz)))];

    const checkinsId = uid('sec');
    return h(
        'section',
        { class: 'card', 'aria-labelledby': checkinsId, 'data-testid': 'today-checkins' },
        h('h2', { id: checkinsId }, t('today.checkins_title')),
        h(
          'p',
          { class: 'checkin-summary' },
          tp('today.checkins_received', received.length, { total }),
          cutoffs.length === 1 ? ` · ${t('today.due_by', { time: cutoffs[0] })}` : '',
        ),
        h(
          'div',
          { class: 'two-col' },
          h(
            'div',
            null,
            h('h3', null, t('today.received')),
            received.length
              ? h(
                  'ul',
                  { class: 'people', 'data-testid': 'checkins-received' },
                  received.map((r) =>
                    h('li', null, chartLink(r.patient_id, fullName(r)), progName(r.p), h('span', { class: 'muted' }, ` ${fmtTime(r.submitted_at, tz)} `), riskTag(r.risk_level)),
                  ),
                )
              : h('p', { class: 'muted' }, t('today.none_received')),
          ),
          h(
            'div',
            null,
            h('h3', null, t('today.missing')),
            missing.length
              ? h('ul', { class: 'people', 'data-testid': 'checkins-missing' }, missing.map((r) => h('li', null, chartLink(r.patient_id, fullName(r)), progName(r.p))))
              : h('p', { class: 'muted' }, t('today.none_missing')),
          ),
        ),
        h(
          'p',
          { class: `as-of muted small${stale ? ' stale' : ''}`, 'data-testid': 'as-of' },
          h('span', { class: 'as-of-text' }, stale ? t('today.stale') : t('today.as_of', { time: fmtTime(new Date(serverNow()).toISOString(), tz) })),
          ' ',
          button(t('today.refresh'), () => void loadWork(), { class: `btn btn-small${stale ? ' btn-primary' : ''}` }),
        ),
      );
  }

  function moreWork(lists: { p: Program; w: Worklist }[], progName: (p: Program) => Child): Child[] {
    const out: Child[] = [];
    const measures = lists.flatMap(({ p, w }) => w.measures_due_now.map((m) => ({ ...m, p })));
    const scheduled = lists.flatMap(({ p, w }) => (w.measures_scheduled ?? []).map((m) => ({ ...m, p })));
    const measuresId = uid('sec');
    out.push(
      h(
        'section',
        { class: 'card', 'aria-labelledby': measuresId, 'data-testid': 'today-measures' },
        h('h2', { id: measuresId }, t('today.measures_title')),
        measures.length || scheduled.length
          ? h(
              'ul',
              { class: 'people' },
              measures.map((m) =>
                h(
                  'li',
                  null,
                  chartLink(m.patient_id, fullName(m)),
                  progName(m.p),
                  ' — ',
                  h('strong', null, instrumentName(m.instrument)),
                  h('span', { class: 'muted' }, ` · ${dueReasonLabel(m.reason)} · ${dueText(m.due_by)}`),
                ),
              ),
              // The schedule's: windows closing tonight, then the owed ones (admission, discharge).
              scheduled.map((m) =>
                h(
                  'li',
                  { 'data-testid': 'scheduled-measure' },
                  chartLink(m.patient_id, fullName(m)),
                  progName(m.p),
                  ' — ',
                  h('strong', null, instrumentName(m.instrument)),
                  h(
                    'span',
                    { class: m.status === 'overdue' ? 'overdue' : 'muted' },
                    ` · ${measureScheduleLabel(m.schedule)} · ${
                      m.status === 'overdue' ? t('today.measure_overdue', { date: fmtDate(localDay(m.window_end, tz)) }) : t('today.window_closes_tonight')
                    }`,
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted' }, t('today.no_measures')),
      ),
    );

    // Filled in by later server work; shown as soon as the worklist carries them.
    const extra: [string, Record<string, unknown>[]][] = [
      [t('today.sessions_title'), lists.flatMap(({ w }) => w.sessions ?? [])],
      [t('today.reviews_title'), lists.flatMap(({ w }) => w.reviews_due ?? [])],
      [t('today.cosignatures_title'), lists.flatMap(({ w }) => w.cosignatures_due ?? [])],
      [t('today.certifications_title'), lists.flatMap(({ w }) => w.certifications_due ?? [])],
    ];
    for (const [title, items] of extra) {
      if (!items.length) continue;
      const id = uid('sec');
      out.push(h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), h('ul', { class: 'people' }, items.map((o) => genericItem(o)))));
    }
    return out;
  }

  /** "due by 14:00", "due by the end of today" (a deadline at midnight), or a date. */
  function dueText(ts: string): string {
    const time = fmtTime(ts, tz);
    const today = localDay(new Date(serverNow()).toISOString(), tz);
    const day = localDay(ts, tz);
    if (day === today) return t('today.due_by', { time });
    if (/^0?0[:.]00$/.test(time) && localDay(new Date(Date.parse(ts) - 1).toISOString(), tz) === today) return t('today.due_end_of_day');
    return t('today.due_by', { time: fmtShortDateTime(ts, tz) });
  }

  function genericItem(o: Record<string, unknown>): HTMLElement {
    const str = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
    const who = str('given_name') || str('family_name') ? fullName({ given_name: str('given_name'), family_name: str('family_name') }) : '';
    const what = str('title') || str('name') || (str('instrument') ? instrumentName(str('instrument')) : '');
    const when = str('due_by') || str('starts') || str('start');
    return h(
      'li',
      null,
      who && str('patient_id') ? chartLink(str('patient_id'), who) : who,
      who && what ? ' — ' : '',
      what,
      when ? h('span', { class: 'muted' }, ` · ${fmtTime(when, tz)}`) : null,
    );
  }

  // ---- wiring ----
  // Subscribe before anything is awaited: the stream may open (or an alert arrive) meanwhile.
  if (live) {
    const off = onLive(({ fresh }) => {
      if (!root.isConnected) {
        off();
        return;
      }
      drawLiveBar();
      drawAlerts();
      const mine = fresh.filter(inScope);
      if (mine.length) {
        announcer.textContent = mine
          .map((a) => t('today.announce', { severity: severityLabel(a.severity), name: fullName(a.patient) }))
          .join(' ');
      }
    });
    // Check-ins arrive on the same stream; the worklist itself is not re-read (that would keep
    // an unattended session alive).
    const offCheckin = onCheckin((c) => {
      if (!root.isConnected) {
        offCheckin();
        return;
      }
      applyCheckin(c);
    });
    // Deadlines count down without asking the server anything.
    const tick = window.setInterval(() => {
      if (!root.isConnected) {
        window.clearInterval(tick);
        return;
      }
      drawAlerts();
    }, 30_000);
  }
  drawLiveBar();
  drawAlerts();
  await loadWork();
}

/** The data-key of the focused element inside `box`, to give focus back after a redraw. */
function focusKey(box: HTMLElement): string | null {
  const el = document.activeElement;
  return el instanceof HTMLElement && box.contains(el) ? (el.dataset.key ?? null) : null;
}

function restoreFocus(box: HTMLElement, key: string | null): void {
  if (!key) return;
  box.querySelector<HTMLElement>(`a[data-key="${CSS.escape(key)}"]`)?.focus();
}
