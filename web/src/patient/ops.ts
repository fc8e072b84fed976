// The patient's own schedule (this week and next: group sessions and appointments) and the
// meeting log (AA, NA, SMART, other, with the weekly count). Phone first (360 px); the Help tab
// with the crisis numbers stays fixed below, as on every screen. Own chunk.
import { h, uid } from '../dom';
import { all, api, ApiError } from '../api';
import { t, tp } from '../i18n';
import { fmtDate } from '../format';
import { link } from '../router';
import { state } from '../state';
import { busy, loading, notice, pageTitle, problemText, section } from '../ui';
import { addDays, fmtDay, fmtTimes, fmtWeek, isoWeek, mondayOf, sessionKindLabel, sessionStatusLabel, todayIn, type Session } from '../ops';

export async function renderMySchedule(root: HTMLElement): Promise<void> {
  const me = state.me!;
  const tz = me.time_zone;
  const body = h('div', { class: 'stack-lg' }, loading());
  root.append(pageTitle(t('pschedule.title')), body);
  if (!me.patient_id) {
    body.replaceChildren(notice('info', t('patient.no_program')));
    return;
  }
  const today = todayIn(tz);
  const monday = mondayOf(today);
  let sessions: Session[];
  try {
    sessions = await all<Session>(`/sessions?from=${monday}&to=${addDays(monday, 13)}`);
  } catch (e) {
    body.replaceChildren(notice('error', problemText(e)));
    return;
  }
  sessions.sort((a, b) => Date.parse(a.starts) - Date.parse(b.starts));
  const week = (start: string, title: string, testid: string) => {
    const days = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(start, i)).filter((d) => sessions.some((s) => s.date === d));
    const headId = uid('sec');
    return h(
      'section',
      { class: 'card', 'aria-labelledby': headId, 'data-testid': testid },
      h('h2', { id: headId }, title),
      h('p', { class: 'muted small' }, fmtWeek(start)),
      days.length
        ? days.map((d) =>
            h(
              'div',
              { class: 'p-day' },
              h('h3', null, fmtDay(d), d === today ? ` · ${t('pschedule.today')}` : ''),
              h(
                'ul',
                { class: 'p-sessions' },
                sessions
                  .filter((s) => s.date === d)
                  .map((s) =>
                    h(
                      'li',
                      { class: `status-${s.status}`, 'data-testid': 'p-session' },
                      h('span', { class: 'p-time' }, fmtTimes(s.starts, s.ends, tz)),
                      h('span', null, s.kind === 'group' && s.title ? `${s.title} (${sessionKindLabel('group')})` : sessionKindLabel(s.kind)),
                      s.status !== 'scheduled' ? [' ', h('span', { class: 'tag tag-warn' }, sessionStatusLabel(s.status))] : null,
                    ),
                  ),
              ),
            ),
          )
        : h('p', null, t('pschedule.nothing')),
    );
  };
  body.replaceChildren(
    week(monday, t('pschedule.this_week'), 'this-week'),
    week(addDays(monday, 7), t('pschedule.next_week'), 'next-week'),
    h('p', { class: 'muted small' }, t('pschedule.changes_note')),
    link('/', { class: 'btn btn-block' }, t('pschedule.back_home')),
  );
}

interface Meetings {
  patient_id: string;
  meetings: { id: string; kind: string; on_date: string; note?: string | null }[];
  weekly: { week: string; meetings: number }[];
}

const KINDS = ['aa', 'na', 'smart', 'other'] as const;

function meetingKind(k: string): string {
  switch (k) {
    case 'aa':
      return t('meetings.kind_aa');
    case 'na':
      return t('meetings.kind_na');
    case 'smart':
      return t('meetings.kind_smart');
    default:
      return t('meetings.kind_other');
  }
}

export async function renderMeetings(root: HTMLElement): Promise<void> {
  const me = state.me!;
  const tz = me.time_zone;
  const list = h('div', null, loading());
  const status = h('div', { tabindex: '-1', 'data-testid': 'meeting-status' });
  root.append(pageTitle(t('meetings.title')), h('p', { class: 'muted' }, t('meetings.intro')));
  if (!me.patient_id) {
    root.append(notice('info', t('patient.no_program')));
    return;
  }
  const path = `/patients/${encodeURIComponent(me.patient_id)}/meetings`;
  const today = todayIn(tz);

  const groupName = uid('kind');
  const kindErr = uid('err');
  const kinds = h(
    'fieldset',
    { class: 'q', 'data-testid': 'meeting-kind' },
    h('legend', null, t('meetings.kind')),
    h(
      'div',
      { class: 'tiles tiles-row meeting-kinds' },
      KINDS.map((k) => {
        const id = uid('k');
        return h('div', { class: 'tile' }, h('input', { type: 'radio', id, name: groupName, value: k }), h('label', { for: id }, meetingKind(k)));
      }),
    ),
    h('p', { class: 'field-error', id: kindErr, hidden: true }),
  );
  const dateId = uid('f');
  const dateErr = uid('err');
  const date = h('input', { id: dateId, type: 'date', value: today, max: today, 'data-testid': 'meeting-date' });
  const dateField = h('div', { class: 'field meeting-date' }, h('label', { for: dateId }, t('meetings.date')), date, h('p', { class: 'field-error', id: dateErr, hidden: true }));
  const save = h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-large', 'data-testid': 'save-meeting' }, t('meetings.save'));

  const setErr = (which: 'kind' | 'date', msg: string | null) => {
    const p = document.getElementById(which === 'kind' ? kindErr : dateErr) ?? (which === 'kind' ? kinds : dateField).querySelector('.field-error');
    if (!p) return;
    p.textContent = msg ?? '';
    (p as HTMLElement).hidden = !msg;
    if (which === 'date') {
      if (msg) date.setAttribute('aria-invalid', 'true');
      else date.removeAttribute('aria-invalid');
      if (msg) date.setAttribute('aria-describedby', dateErr);
      else date.removeAttribute('aria-describedby');
    } else {
      kinds.classList.toggle('q-invalid', !!msg);
    }
  };

  const form = h(
    'form',
    {
      class: 'card stack',
      novalidate: true,
      'data-testid': 'meeting-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        setErr('kind', null);
        setErr('date', null);
        status.replaceChildren();
        const kind = kinds.querySelector<HTMLInputElement>('input:checked')?.value;
        if (!kind) {
          setErr('kind', t('meetings.choose_kind'));
          kinds.querySelector<HTMLInputElement>('input')?.focus();
          return;
        }
        try {
          await busy(save, () => api('POST', path, { kind, on_date: date.value }));
          status.replaceChildren(notice('success', t('meetings.saved', { kind: meetingKind(kind), date: fmtDate(date.value, 'long') })));
          for (const r of kinds.querySelectorAll<HTMLInputElement>('input')) r.checked = false;
          date.value = today;
          status.focus();
          await load();
        } catch (e) {
          for (const fe of e instanceof ApiError ? (e.problem.errors ?? []) : []) {
            if (fe.field === 'on_date') setErr('date', fe.code === 'future' ? t('meetings.not_future') : t('err.date'));
            if (fe.field === 'kind') setErr('kind', t('meetings.choose_kind'));
          }
          status.replaceChildren(notice('error', problemText(e)));
          status.focus();
        }
      },
    },
    h('h2', null, t('meetings.add')),
    kinds,
    dateField,
    status,
    save,
  );

  const load = async () => {
    let m: Meetings;
    try {
      m = await api<Meetings>('GET', path);
    } catch (e) {
      list.replaceChildren(notice('error', problemText(e)));
      return;
    }
    const thisWeek = isoWeek(today);
    const count = m.weekly.find((w) => w.week === thisWeek)?.meetings ?? 0;
    const recent = [...m.meetings].sort((a, b) => (a.on_date < b.on_date ? 1 : a.on_date > b.on_date ? -1 : 0)).slice(0, 20);
    const weeks = [...m.weekly].sort((a, b) => (a.week < b.week ? 1 : -1)).slice(0, 6);
    list.replaceChildren(
      section(
        t('meetings.summary'),
        h('p', { class: 'lead', 'data-testid': 'meetings-this-week' }, tp('meetings.this_week', count)),
        weeks.length
          ? h(
              'ul',
              { class: 'p-meetings', 'data-testid': 'meetings-weekly' },
              weeks.map((w) => h('li', null, h('span', null, weekLabel(w.week)), h('strong', null, tp('meetings.count', w.meetings)))),
            )
          : null,
      ),
      section(
        t('meetings.recent'),
        recent.length
          ? h(
              'ul',
              { class: 'p-meetings', 'data-testid': 'meetings-list' },
              recent.map((x) => h('li', null, h('span', null, meetingKind(x.kind)), h('span', null, fmtDate(x.on_date)))),
            )
          : h('p', null, t('meetings.none')),
      ),
    );
  };
  root.append(form, list);
  await load();
}

/** "Week of 23 November" for an ISO week. */
function weekLabel(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return week;
  const jan4 = `${m[1]}-01-04`;
  const monday = addDays(mondayOf(jan4), (Number(m[2]) - 1) * 7);
  return t('meetings.week_of', { date: fmtDate(monday, 'long') });
}
