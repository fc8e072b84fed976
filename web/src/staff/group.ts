// The group session screen, for group leaders first: pick one of this week's sessions of the
// groups one leads; the roster shows each member's latest check-in risk before the group, so the
// leader knows whom to watch; attendance for the whole group in one grid and one request (status
// defaults to present, minutes to the session's length); then the group note: a shared part and
// one entry per member who attended, checked by the server for other members' names, saved as a
// draft, signed (locked) and amended by addenda. Loaded as its own chunk.
import { h, mount, uid, type Child } from '../dom';
import { all, api, ApiError, type FieldError } from '../api';
import { t } from '../i18n';
import { fmtShortDateTime, fmtTime } from '../format';
import { RISK_ORDER } from '../labels';
import { serverNow, staffName, state } from '../state';
import type { Program } from '../types';
import { busy, fieldMessage, loading, notice, pageTitle, problemText, section, selectField } from '../ui';
import { fullName, myPrograms, riskTag } from './common';
import {
  addDays,
  fmtDay,
  fmtTimes,
  minutesBetween,
  mondayOf,
  todayIn,
  wallTime,
  zonedIso,
  type Group,
  type Session,
} from '../ops';

interface RosterMember {
  patient_id: string;
  given_name: string;
  family_name: string;
  latest_checkin: { risk_level: string; submitted_at: string; local_date: string } | null;
  attendance: { status: string; minutes: number } | null;
}

interface Roster {
  group_id: string;
  name: string;
  date: string;
  members: RosterMember[];
  session: { id: string; starts: string; ends: string; status: string } | null;
}

interface AttendanceEntry {
  patient_id: string;
  status: string | null;
  time_in?: string | null;
  time_out?: string | null;
  break_minutes?: number;
  minutes?: number;
}

interface Attendance {
  session_id: string;
  duration_minutes: number;
  entries: AttendanceEntry[];
}

interface Note {
  id: string;
  kind: string;
  session_id: string | null;
  group_id: string | null;
  author_id: string;
  status: 'draft' | 'signed';
  occurred_at: string;
  late: boolean;
  content: { topic?: string; body?: string };
  content_hash: string | null;
  signed_by: string | null;
  signed_at: string | null;
  cosign_required: boolean;
  cosign_due_at: string | null;
  cosigned_by: string | null;
  cosigned_at: string | null;
  version: number;
  entries?: { patient_id: string; text: string }[];
  addenda: { id: string; author_id: string; text: string; created_at: string }[];
}

const STATUSES = ['present', 'late', 'left_early', 'absent_excused', 'absent_unexcused'] as const;
const ATTENDED = new Set(['present', 'late', 'left_early']);

function statusLabel(s: string): string {
  switch (s) {
    case 'present':
      return t('group.status_present');
    case 'late':
      return t('group.status_late');
    case 'left_early':
      return t('group.status_left_early');
    case 'absent_excused':
      return t('group.status_absent_excused');
    case 'absent_unexcused':
      return t('group.status_absent_unexcused');
    default:
      return s;
  }
}

/** The session picked on this screen stays in memory while the app runs. */
const view = { sessionId: null as string | null };

export async function renderGroup(root: HTMLElement): Promise<void> {
  const problems = h('div', { tabindex: '-1' });
  const body = h('div', { class: 'stack-lg' }, loading());
  root.append(pageTitle(t('group.title')), problems, body);
  const user = state.user!;
  let programs: Program[];
  let groups: Group[];
  let sessions: Session[];
  let tz: string | undefined;
  try {
    programs = await myPrograms();
    tz = programs[0]?.time_zone;
    const lists = await Promise.all(programs.map((p) => all<Group>(`/groups?program_id=${encodeURIComponent(p.id)}`).catch(() => [] as Group[])));
    groups = lists.flat();
    const mine = groups.filter((g) => g.leader_id === user.id || g.co_leader_id === user.id);
    if (mine.length) groups = mine;
    const monday = mondayOf(todayIn(tz));
    sessions = (await all<Session>(`/sessions?from=${monday}&to=${addDays(monday, 6)}`)).filter(
      (s) => s.kind === 'group' && groups.some((g) => g.id === s.group_id),
    );
  } catch (e) {
    body.replaceChildren();
    problems.replaceChildren(notice('error', problemText(e)));
    return;
  }
  sessions.sort((a, b) => Date.parse(a.starts) - Date.parse(b.starts));
  if (!sessions.length) {
    body.replaceChildren(notice('info', t('group.no_sessions')));
    return;
  }
  if (!view.sessionId || !sessions.some((s) => s.id === view.sessionId)) view.sessionId = defaultSession(sessions, tz).id;

  const panel = h('div', { class: 'stack-lg' });
  const picker = selectField(
    t('group.pick_session'),
    sessions.map((s) => ({
      value: s.id,
      label: `${s.title ?? ''} · ${fmtDay(localDate(s, tz), 'short')}, ${fmtTimes(s.starts, s.ends, tz)}${s.status === 'cancelled' ? ` (${t('schedule.status_cancelled')})` : ''}`,
    })),
    view.sessionId,
    {
      'data-testid': 'session-picker',
      onchange: (e: Event) => {
        view.sessionId = (e.target as HTMLSelectElement).value;
        void showSession(panel, sessions.find((s) => s.id === view.sessionId)!, groups, tz);
      },
    },
  );
  mount(body, h('div', { class: 'session-picker' }, picker.wrap), panel);
  await showSession(panel, sessions.find((s) => s.id === view.sessionId)!, groups, tz);
}

function localDate(s: Session, tz?: string): string {
  return s.date ?? todayIn(tz);
}

/** Today's session (the one running or next), else the next one this week, else the last. */
function defaultSession(list: Session[], tz?: string): Session {
  const now = serverNow();
  const today = todayIn(tz);
  const todays = list.filter((s) => s.date === today);
  if (todays.length) return todays.find((s) => Date.parse(s.ends) > now) ?? todays[todays.length - 1];
  return list.find((s) => Date.parse(s.starts) > now) ?? list[list.length - 1];
}

async function showSession(panel: HTMLElement, s: Session, groups: Group[], tz?: string): Promise<void> {
  panel.replaceChildren(loading());
  const group = groups.find((g) => g.id === s.group_id)!;
  let roster: Roster;
  let attendance: Attendance | null;
  let notes: Note[];
  try {
    [roster, attendance, notes] = await Promise.all([
      api<Roster>('GET', `/groups/${encodeURIComponent(group.id)}/roster?date=${s.date}`),
      api<Attendance>('GET', `/sessions/${encodeURIComponent(s.id)}/attendance`).catch(() => null),
      api<{ items: Note[] }>('GET', `/notes?session_id=${encodeURIComponent(s.id)}`).then(
        (r) => r.items.filter((n) => n.kind === 'group'),
        () => [] as Note[],
      ),
    ]);
  } catch (e) {
    panel.replaceChildren(notice('error', problemText(e)));
    return;
  }
  if (view.sessionId !== s.id) return;
  const duration = attendance?.duration_minutes ?? minutesBetween(s.starts, s.ends);
  const members = roster.members;
  const recorded = new Map((attendance?.entries ?? []).map((e) => [e.patient_id, e]));
  // Attendance as recorded on the server: who may have an entry in the note.
  const attendedNow = () => members.filter((m) => ATTENDED.has(recorded.get(m.patient_id)?.status ?? ''));

  const head = h(
    'div',
    null,
    h('h2', { class: 'session-title', 'data-testid': 'session-title' }, `${s.title ?? group.name} · ${fmtDay(s.date)}, ${fmtTimes(s.starts, s.ends, tz)}`),
    s.status === 'cancelled' ? notice('warning', t('group.cancelled')) : null,
    s.status === 'moved' ? h('p', null, h('span', { class: 'tag tag-warn' }, t('schedule.status_moved'))) : null,
  );

  const noteBox = h('div');
  const drawNote = () => {
    const note = notes[0] ?? null;
    void drawNoteCard(noteBox, s, group, note, attendedNow(), members, tz, (n, redraw) => {
      notes = [n];
      if (redraw) drawNote();
    });
  };
  const att = attendanceCard(s, members, recorded, duration, tz, (entries) => {
    for (const e of entries) recorded.set(e.patient_id, e);
    drawNote();
  });
  panel.replaceChildren(head, watchCard(members), att, noteBox);
  drawNote();
}

/** Who to watch tonight: members whose latest check-in was moderate or above. */
function watchCard(members: RosterMember[]): HTMLElement {
  const rank = (m: RosterMember) => RISK_ORDER.indexOf((m.latest_checkin?.risk_level ?? 'none') as (typeof RISK_ORDER)[number]);
  const watch = members.filter((m) => rank(m) >= 2).sort((a, b) => rank(b) - rank(a));
  const none = members.filter((m) => !m.latest_checkin).length;
  return section(
    t('group.watch_title'),
    watch.length
      ? h(
          'ul',
          { class: 'plain watch-list', 'data-testid': 'watch-list' },
          watch.map((m) => h('li', null, riskTag(m.latest_checkin!.risk_level), ' ', fullName(m))),
        )
      : h('p', { 'data-testid': 'watch-list' }, t('group.watch_none')),
    none ? h('p', { class: 'muted' }, t('group.watch_no_checkin', { n: none })) : null,
  );
}

interface Row {
  member: RosterMember;
  tr: HTMLTableRowElement;
  status: HTMLSelectElement;
  minutes: HTMLInputElement;
  timeIn: HTMLInputElement;
  timeOut: HTMLInputElement;
  breaks: HTMLInputElement;
  errors: HTMLUListElement;
}

function attendanceCard(
  s: Session,
  members: RosterMember[],
  recorded: Map<string, AttendanceEntry>,
  duration: number,
  tz: string | undefined,
  saved: (entries: AttendanceEntry[]) => void,
): HTMLElement {
  const opensAt = Date.parse(s.starts) - 30 * 60_000;
  const open = serverNow() >= opensAt && s.status !== 'cancelled';
  const summary = h('div', { tabindex: '-1', 'data-testid': 'attendance-status' });
  const cols = {
    name: uid('col'),
    status: uid('col'),
    minutes: uid('col'),
    timeIn: uid('col'),
    timeOut: uid('col'),
    breaks: uid('col'),
  };
  const rows: Row[] = members.map((m) => {
    const rec = recorded.get(m.patient_id);
    const rowHead = uid('row');
    const errId = uid('err');
    const label = (col: string) => ({ 'aria-labelledby': `${col} ${rowHead}` });
    const status = h(
      'select',
      { ...label(cols.status), 'data-field': 'status', 'data-testid': 'att-status' },
      STATUSES.map((x) => h('option', { value: x, selected: (rec?.status ?? 'present') === x }, statusLabel(x))),
    );
    const minutes = h('input', {
      type: 'number',
      min: 0,
      max: duration,
      inputmode: 'numeric',
      ...label(cols.minutes),
      'data-field': 'minutes',
      value: String(rec?.status ? (rec.minutes ?? 0) : duration),
    });
    const timeIn = h('input', { type: 'time', ...label(cols.timeIn), 'data-field': 'time_in', value: rec?.time_in ? wallTime(rec.time_in, tz) : '' });
    const timeOut = h('input', { type: 'time', ...label(cols.timeOut), 'data-field': 'time_out', value: rec?.time_out ? wallTime(rec.time_out, tz) : '' });
    const breaks = h('input', {
      type: 'number',
      min: 0,
      max: 600,
      inputmode: 'numeric',
      ...label(cols.breaks),
      'data-field': 'break_minutes',
      value: rec?.break_minutes ? String(rec.break_minutes) : '',
    });
    const errors = h('ul', { class: 'row-errors', id: errId, hidden: true });
    const c = m.latest_checkin;
    const tr = h(
      'tr',
      { 'data-patient': m.patient_id },
      // The latest check-in's risk sits under the name: whom to watch, at a glance, on the same row.
      h(
        'th',
        { scope: 'row' },
        h('span', { id: rowHead }, fullName(m)),
        c
          ? h('span', { class: 'row-risk' }, riskTag(c.risk_level), ' ', h('span', { class: 'muted small' }, fmtShortDateTime(c.submitted_at, tz)))
          : h('span', { class: 'row-risk muted small' }, t('group.no_checkin')),
        errors,
      ),
      h('td', null, status),
      h('td', null, minutes),
      h('td', null, timeIn),
      h('td', null, timeOut),
      h('td', null, breaks),
    );
    const row: Row = { member: m, tr, status, minutes, timeIn, timeOut, breaks, errors };
    const sync = () => syncRow(row, duration);
    status.addEventListener('change', () => {
      const absent = status.value.startsWith('absent');
      if (absent) minutes.value = '0';
      else if (minutes.value === '0' || minutes.value === '') minutes.value = String(duration);
      sync();
    });
    for (const el of [timeIn, timeOut, breaks]) el.addEventListener('change', () => computeMinutes(row));
    sync();
    return row;
  });

  const save = h('button', { type: 'submit', class: 'btn btn-primary', disabled: !open, 'data-testid': 'save-attendance' }, t('group.save_attendance'));
  const allPresent = h(
    'button',
    {
      type: 'button',
      class: 'btn',
      disabled: !open,
      onclick: () => {
        for (const r of rows) {
          r.status.value = 'present';
          r.timeIn.value = '';
          r.timeOut.value = '';
          r.breaks.value = '';
          r.minutes.value = String(duration);
          syncRow(r, duration);
        }
        rows[0]?.status.focus();
      },
    },
    t('group.all_present'),
  );

  const submit = async () => {
    if (!open) return;
    for (const r of rows) setRowErrors(r, []);
    summary.replaceChildren();
    const entries = rows.map((r) => entryOf(r, s, tz));
    try {
      const res = await busy(save, () => api<Attendance>('PUT', `/sessions/${encodeURIComponent(s.id)}/attendance`, { entries }));
      saved(res.entries);
      summary.replaceChildren(notice('success', t('group.attendance_saved', { n: res.entries.filter((e) => ATTENDED.has(e.status ?? '')).length, total: res.entries.length })));
      summary.focus();
    } catch (e) {
      showRowProblems(summary, e, rows);
    }
  };

  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'data-testid': 'attendance-form',
      onsubmit: (ev: SubmitEvent) => {
        ev.preventDefault();
        void submit();
      },
      // Keyboard-fast: Enter moves to the same column of the next member; Ctrl+Enter saves.
      onkeydown: (ev: KeyboardEvent) => {
        if (ev.key !== 'Enter') return;
        const el = ev.target as HTMLElement;
        if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement)) return;
        ev.preventDefault();
        if (ev.ctrlKey || ev.metaKey) {
          void submit();
          return;
        }
        const i = rows.findIndex((r) => r.tr.contains(el));
        const field = el.dataset.field;
        const next = rows[i + (ev.shiftKey ? -1 : 1)];
        const target = next?.tr.querySelector<HTMLElement>(`[data-field="${field}"]:not(:disabled)`) ?? next?.status;
        target?.focus();
      },
    },
    open
      ? null
      : notice(
          'info',
          s.status === 'cancelled' ? t('group.cancelled') : t('group.attendance_opens', { time: fmtTime(new Date(opensAt).toISOString(), tz) }),
        ),
    h(
      'p',
      { class: 'muted small kbd-hint', id: uid('hint') },
      t('group.keyboard_hint_1'),
      ' ',
      h('kbd', null, 'Enter'),
      ' ',
      t('group.keyboard_hint_2'),
      ' ',
      h('kbd', null, 'Ctrl'),
      '+',
      h('kbd', null, 'Enter'),
      ' ',
      t('group.keyboard_hint_3'),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'attendance', 'data-testid': 'attendance-table' },
        h('caption', { class: 'visually-hidden' }, t('group.attendance_title')),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col', id: cols.name }, t('group.col_member'), h('span', { class: 'block small muted' }, t('group.col_risk'))),
            h('th', { scope: 'col', id: cols.status }, t('group.col_status')),
            h('th', { scope: 'col', id: cols.minutes }, t('group.col_minutes')),
            h('th', { scope: 'col', id: cols.timeIn }, t('group.col_time_in')),
            h('th', { scope: 'col', id: cols.timeOut }, t('group.col_time_out')),
            h('th', { scope: 'col', id: cols.breaks }, t('group.col_breaks')),
          ),
        ),
        h('tbody', null, rows.map((r) => r.tr)),
      ),
    ),
    summary,
    h('div', { class: 'actions' }, save, allPresent),
  );
  return section(t('group.attendance_title'), h('p', { class: 'muted' }, t('group.attendance_note', { minutes: duration })), form);
}

/** Absences carry no times and no minutes: those controls are disabled (and skipped by Tab). */
function syncRow(r: Row, _duration: number): void {
  const absent = r.status.value.startsWith('absent');
  for (const el of [r.minutes, r.timeIn, r.timeOut, r.breaks]) el.disabled = absent;
  if (absent) {
    r.timeIn.value = '';
    r.timeOut.value = '';
    r.breaks.value = '';
  }
}

/** With time in and out, minutes follow: out − in − breaks (the server checks the same). */
function computeMinutes(r: Row): void {
  if (!r.timeIn.value || !r.timeOut.value) return;
  const [a, b] = [r.timeIn.value, r.timeOut.value].map((v) => Number(v.slice(0, 2)) * 60 + Number(v.slice(3, 5)));
  const m = b - a - (Number(r.breaks.value) || 0);
  if (m > 0) r.minutes.value = String(m);
}

function entryOf(r: Row, s: Session, tz?: string): Record<string, unknown> {
  const e: Record<string, unknown> = { patient_id: r.member.patient_id, status: r.status.value };
  if (r.status.value.startsWith('absent')) return e;
  const date = s.date;
  if (r.timeIn.value) e.time_in = zonedIso(date, r.timeIn.value, tz);
  if (r.timeOut.value) e.time_out = zonedIso(date, r.timeOut.value, tz);
  if (r.breaks.value !== '') e.break_minutes = Number(r.breaks.value);
  if (r.minutes.value !== '') e.minutes = Number(r.minutes.value);
  return e;
}

function attendanceMessage(fe: FieldError): string {
  const p = fe.params ?? {};
  const field = fe.field.split('.').pop() ?? '';
  switch (fe.code) {
    case 'mismatch':
      return t('group.err_mismatch', { expected: String(p.expected ?? '') });
    case 'not_allowed':
      return t('group.err_not_allowed');
    case 'after_start':
      return t('group.err_after_start');
    case 'duplicate':
      return t('group.err_duplicate');
    case 'not_participant':
      return t('group.err_not_participant');
    case 'range':
      if (field === 'time_in' || field === 'time_out') return t('group.err_time_range');
      if (field === 'break_minutes') return t('group.err_breaks');
      if (p.min !== undefined && p.max !== undefined) return fieldMessage(fe).text;
      return t('group.err_minutes_long');
  }
  return fieldMessage(fe).text;
}

function fieldName(field: string): string {
  switch (field) {
    case 'status':
      return t('group.col_status');
    case 'minutes':
      return t('group.col_minutes');
    case 'time_in':
      return t('group.col_time_in');
    case 'time_out':
      return t('group.col_time_out');
    case 'break_minutes':
      return t('group.col_breaks');
    default:
      return t('group.col_member');
  }
}

function setRowErrors(r: Row, list: { field: string; text: string }[]): void {
  for (const el of [r.status, r.minutes, r.timeIn, r.timeOut, r.breaks]) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
  r.tr.classList.toggle('row-invalid', list.length > 0);
  r.errors.hidden = list.length === 0;
  r.errors.replaceChildren(...list.map((x) => h('li', { 'data-error-field': x.field }, `${fieldName(x.field)}: ${x.text}`)));
  for (const x of list) {
    const el = r.tr.querySelector<HTMLElement>(`input[data-field="${x.field}"], select[data-field="${x.field}"]`) ?? r.status;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', r.errors.id);
  }
}

/** Each `entries[i].field` error goes to member row i; a summary lists them by name. */
function showRowProblems(summary: HTMLElement, e: unknown, rows: Row[]): void {
  const byRow = new Map<number, { field: string; text: string }[]>();
  const other: string[] = [];
  if (e instanceof ApiError) {
    for (const fe of e.problem.errors ?? []) {
      const m = /^entries\[(\d+)\]\.?(\w*)/.exec(fe.field);
      if (m && rows[Number(m[1])]) {
        const list = byRow.get(Number(m[1])) ?? [];
        list.push({ field: m[2] || 'status', text: attendanceMessage(fe) });
        byRow.set(Number(m[1]), list);
      } else other.push(fieldMessage(fe).text);
    }
  }
  rows.forEach((r, i) => setRowErrors(r, byRow.get(i) ?? []));
  let text = problemText(e);
  if (e instanceof ApiError && e.status === 409 && e.problem.conflict?.kind === 'state') text = t('group.attendance_closed');
  summary.replaceChildren(
    notice(
      'error',
      h('p', null, text),
      byRow.size || other.length
        ? h(
            'ul',
            null,
            [...byRow.entries()].map(([i, list]) => h('li', null, `${fullName(rows[i].member)}: ${list.map((x) => `${fieldName(x.field)} – ${x.text}`).join('; ')}`)),
            other.map((x) => h('li', null, x)),
          )
        : null,
    ),
  );
  const first = rows.find((r) => r.tr.classList.contains('row-invalid'));
  (first?.tr.querySelector<HTMLElement>('[aria-invalid="true"]') ?? summary).focus();
}

// ---------------------------------------------------------------------------------------------
// The group note

interface TextArea {
  wrap: HTMLElement;
  input: HTMLTextAreaElement | HTMLInputElement;
  error: HTMLElement;
  clear(): void;
  show(...children: Child[]): void;
}

function noteField(label: string, opts: { multiline?: boolean; value?: string; hint?: string; testid?: string; rows?: number }): TextArea {
  const id = uid('f');
  const errId = uid('err');
  const hintId = opts.hint ? uid('hint') : null;
  const input = opts.multiline
    ? h('textarea', { id, rows: opts.rows ?? 3, 'aria-describedby': hintId, 'data-testid': opts.testid }, opts.value ?? '')
    : h('input', { id, type: 'text', value: opts.value ?? '', 'aria-describedby': hintId, 'data-testid': opts.testid });
  if (input instanceof HTMLTextAreaElement) input.value = opts.value ?? '';
  const error = h('div', { id: errId, hidden: true });
  const wrap = h('div', { class: 'field note-field' }, h('label', { for: id }, label), opts.hint ? h('p', { class: 'hint', id: hintId! }, opts.hint) : null, input, error);
  return {
    wrap,
    input,
    error,
    clear() {
      error.hidden = true;
      error.replaceChildren();
      input.removeAttribute('aria-invalid');
      if (hintId) input.setAttribute('aria-describedby', hintId);
      else input.removeAttribute('aria-describedby');
    },
    show(...children: Child[]) {
      error.hidden = false;
      error.replaceChildren(...children.filter((c): c is Node => c instanceof Node));
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
    },
  };
}

async function drawNoteCard(
  box: HTMLElement,
  s: Session,
  group: Group,
  note: Note | null,
  attended: RosterMember[],
  members: RosterMember[],
  tz: string | undefined,
  changed: (n: Note, redraw: boolean) => void,
): Promise<void> {
  const user = state.user!;
  if (note && note.status === 'signed') {
    box.replaceChildren(await signedView(note, members, tz, (n) => changed(n, true)));
    return;
  }
  if (note && note.author_id !== user.id) {
    box.replaceChildren(await foreignDraft(note, group, members, (n) => changed(n, true)));
    return;
  }
  if (!note && !attended.length) {
    box.replaceChildren(section(t('group.note_title'), h('p', { 'data-testid': 'note-waits' }, t('group.note_after_attendance'))));
    return;
  }
  box.replaceChildren(noteEditor(s, group, note, attended, members, changed));
}

function noteEditor(
  s: Session,
  group: Group,
  note: Note | null,
  attended: RosterMember[],
  members: RosterMember[],
  changed: (n: Note, redraw: boolean) => void,
): HTMLElement {
  const confirmed = new Set<string>();
  let current = note;
  const topic = noteField(t('group.topic'), { value: note?.content.topic, testid: 'note-topic' });
  const body = noteField(t('group.body'), { multiline: true, rows: 5, value: note?.content.body, hint: t('group.body_hint'), testid: 'note-body' });
  const existing = new Map((note?.entries ?? []).map((e) => [e.patient_id, e.text]));
  // Members with an entry already (a member marked absent later keeps theirs until it is removed).
  const people = [...attended];
  for (const id of existing.keys()) {
    const m = members.find((x) => x.patient_id === id);
    if (m && !people.includes(m)) people.push(m);
  }
  const entries = people.map((m) => ({
    member: m,
    field: noteField(t('group.entry_for', { name: fullName(m) }), {
      multiline: true,
      rows: 2,
      value: existing.get(m.patient_id),
      testid: 'note-entry',
    }),
  }));
  for (const e of entries) e.field.input.dataset.patient = e.member.patient_id;
  const status = h('div', { tabindex: '-1', 'data-testid': 'note-status' });
  const saveBtn = h('button', { type: 'button', class: 'btn', 'data-testid': 'save-draft' }, t('group.save_draft'));
  const signBtn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'sign-note' }, t('group.sign'));

  const payload = () => {
    const sent = entries.filter((e) => e.field.input.value.trim() !== '');
    const out: Record<string, unknown> = {
      topic: topic.input.value.trim(),
      body: body.input.value.trim(),
      entries: sent.map((e) => ({ patient_id: e.member.patient_id, text: e.field.input.value.trim() })),
    };
    if (confirmed.size) out.confirm_not_names = [...confirmed];
    return { out, sent };
  };

  const clearAll = () => {
    status.replaceChildren();
    for (const f of [topic, body, ...entries.map((e) => e.field)]) f.clear();
  };

  /** Saves the draft (create or edit); false when refused (errors are on screen). */
  const saveDraft = async (then: 'save' | 'sign'): Promise<boolean> => {
    const { out, sent } = payload();
    try {
      const n = current
        ? await api<Note>('PATCH', `/notes/${encodeURIComponent(current.id)}`, { version: current.version, ...out })
        : await api<Note>('POST', '/notes', { kind: 'group', session_id: s.id, ...out });
      current = n;
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.conflict?.kind === 'version') {
        status.replaceChildren(notice('error', t('err.conflict_version')));
        status.focus();
        return false;
      }
      const fields: Record<string, TextArea> = { topic, body };
      sent.forEach((x, i) => {
        fields[`entries[${i}].text`] = x.field;
        fields[`entries[${i}].patient_id`] = x.field;
      });
      const list: HTMLElement[] = [];
      if (e instanceof ApiError) {
        const grouped = new Map<TextArea, HTMLElement[]>();
        for (const fe of e.problem.errors ?? []) {
          const f = fields[fe.field];
          let msg: HTMLElement;
          if (fe.code === 'member_name') {
            const word = String(fe.params?.word ?? '');
            msg = h(
              'div',
              { class: 'name-hit', 'data-testid': 'name-hit', 'data-word': word },
              h('p', null, t('group.name_found', { word })),
              h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  'data-testid': 'not-a-name',
                  onclick: () => {
                    confirmed.add(word);
                    void run(then);
                  },
                },
                t('group.not_a_name', { word }),
              ),
            );
            list.push(h('li', null, `${f ? labelOf(f) : fe.field}: ${t('group.name_found', { word })}`));
          } else {
            const text = fe.code === 'not_present' ? t('group.err_not_present') : fieldMessage(fe).text;
            msg = h('p', { class: 'field-error' }, text);
            list.push(h('li', null, `${f ? labelOf(f) : fe.field}: ${text}`));
          }
          if (f) grouped.set(f, [...(grouped.get(f) ?? []), msg]);
        }
        for (const [f, msgs] of grouped) f.show(...msgs);
      }
      status.replaceChildren(notice('error', h('p', null, problemText(e)), list.length ? h('ul', null, list) : null));
      const first = [topic, body, ...entries.map((x) => x.field)].find((f) => f.input.getAttribute('aria-invalid') === 'true');
      (first?.input ?? status).focus();
      return false;
    }
  };

  const run = async (what: 'save' | 'sign') => {
    clearAll();
    if (what === 'sign') {
      // Every member who attended gets an entry before the note is locked.
      const empty = entries.filter((e) => ATTENDED_IDS(attended).has(e.member.patient_id) && e.field.input.value.trim() === '');
      const missing = [topic, body].filter((f) => f.input.value.trim() === '');
      if (empty.length || missing.length) {
        for (const f of [...missing, ...empty.map((e) => e.field)]) f.show(h('p', { class: 'field-error' }, t('err.required')));
        status.replaceChildren(notice('error', t('group.sign_needs_all')));
        ([...missing, ...empty.map((e) => e.field)][0]?.input ?? status).focus();
        return;
      }
    }
    const btn = what === 'sign' ? signBtn : saveBtn;
    await busy(btn, async () => {
      if (!(await saveDraft(what))) return;
      if (what === 'save') {
        changedQuietly(current!);
        status.replaceChildren(notice('success', t('group.draft_saved')));
        status.focus();
        return;
      }
      try {
        const signed = await api<Note>('POST', `/notes/${encodeURIComponent(current!.id)}/sign`);
        changed(signed, true);
      } catch (e) {
        changedQuietly(current!);
        if (e instanceof ApiError && e.status === 403) {
          status.replaceChildren(notice('warning', h('p', null, await signerExplanation(group)), h('p', null, t('group.draft_kept'))));
        } else {
          status.replaceChildren(notice('error', problemText(e)));
        }
        status.focus();
      }
    });
  };
  // The draft's version moves on with each save; the screen keeps its fields as typed.
  const changedQuietly = (n: Note) => {
    current = n;
    changed(n, false);
  };
  saveBtn.addEventListener('click', () => void run('save'));
  signBtn.addEventListener('click', () => void run('sign'));

  return section(
    t('group.note_title'),
    h('p', { class: 'muted' }, note ? t('group.note_draft', { version: note.version }) : t('group.note_intro')),
    h(
      'form',
      { class: 'stack', novalidate: true, 'data-testid': 'note-form', onsubmit: (ev: SubmitEvent) => ev.preventDefault() },
      topic.wrap,
      body.wrap,
      h(
        'fieldset',
        null,
        h('legend', null, t('group.entries')),
        h('p', { class: 'hint' }, t('group.entries_hint')),
        entries.length ? entries.map((e) => e.field.wrap) : h('p', null, t('group.no_attendees')),
      ),
      status,
      h('div', { class: 'actions' }, saveBtn, signBtn),
    ),
  );
}

const ATTENDED_IDS = (list: RosterMember[]) => new Set(list.map((m) => m.patient_id));

function labelOf(f: TextArea): string {
  return f.wrap.querySelector('label')?.textContent ?? '';
}

/** Why this user may not sign: the group's licensed leader or co-leader does. */
async function signerExplanation(group: Group): Promise<string> {
  const user = state.user!;
  if (!user.licensed) {
    const co = group.co_leader_id && group.co_leader_id !== user.id ? await staffName(group.co_leader_id) : null;
    return co ? t('group.sign_unlicensed_named', { name: co }) : t('group.sign_unlicensed');
  }
  const leader = group.leader_id !== user.id ? await staffName(group.leader_id) : null;
  return leader ? t('group.sign_by_leader', { name: leader }) : t('err.forbidden');
}

async function noteFacts(note: Note, members: RosterMember[]): Promise<HTMLElement[]> {
  const order = (id: string) => {
    const i = members.findIndex((x) => x.patient_id === id);
    return i < 0 ? members.length : i;
  };
  const nameOf = (id: string) => {
    const m = members.find((x) => x.patient_id === id);
    return m ? fullName(m) : t('group.member_hidden');
  };
  return [
    h('h3', null, t('group.topic')),
    h('p', { 'data-testid': 'note-topic-text' }, note.content.topic ?? ''),
    h('h3', null, t('group.body')),
    h('p', { class: 'note-body' }, note.content.body ?? ''),
    h('h3', null, t('group.entries')),
    (note.entries ?? []).length
      ? h(
          'ol',
          { class: 'entries' },
          // In the roster's order (by name), as the leader wrote them.
          [...(note.entries ?? [])].sort((a, b) => order(a.patient_id) - order(b.patient_id)).map((e) => h('li', null, h('strong', null, nameOf(e.patient_id)), h('p', { class: 'note-body' }, e.text))),
        )
      : h('p', { class: 'muted' }, t('group.no_entries')),
  ];
}

async function foreignDraft(note: Note, group: Group, members: RosterMember[], changed: (n: Note) => void): Promise<HTMLElement> {
  const author = (await staffName(note.author_id)) ?? t('group.someone');
  const status = h('div', { tabindex: '-1', 'data-testid': 'note-status' });
  const sign = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'sign-note' }, t('group.sign'));
  sign.addEventListener('click', () =>
    void busy(sign, async () => {
      try {
        changed(await api<Note>('POST', `/notes/${encodeURIComponent(note.id)}/sign`));
      } catch (e) {
        status.replaceChildren(
          e instanceof ApiError && e.status === 403 ? notice('warning', await signerExplanation(group)) : notice('error', problemText(e)),
        );
        status.focus();
      }
    }),
  );
  return section(
    t('group.note_title'),
    h('p', null, h('span', { class: 'tag tag-warn' }, t('group.draft_tag')), ' ', t('group.draft_by', { name: author })),
    ...(await noteFacts(note, members)),
    status,
    h('div', { class: 'actions' }, sign),
  );
}

async function signedView(note: Note, members: RosterMember[], tz: string | undefined, changed: (n: Note) => void): Promise<HTMLElement> {
  const signer = note.signed_by ? ((await staffName(note.signed_by)) ?? t('group.someone')) : '';
  const addenda = await Promise.all(
    note.addenda.map(async (a) =>
      h(
        'li',
        null,
        h('p', { class: 'muted small' }, t('group.addendum_by', { name: (await staffName(a.author_id)) ?? t('group.someone'), when: fmtShortDateTime(a.created_at, tz) })),
        h('p', { class: 'note-body' }, a.text),
      ),
    ),
  );
  const text = noteField(t('group.addendum'), { multiline: true, rows: 3, hint: t('group.addendum_hint'), testid: 'addendum-text' });
  const status = h('div', { tabindex: '-1' });
  const add = h('button', { type: 'submit', class: 'btn' }, t('group.add_addendum'));
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'data-testid': 'addendum-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        text.clear();
        status.replaceChildren();
        if (!text.input.value.trim()) {
          text.show(h('p', { class: 'field-error' }, t('err.required')));
          text.input.focus();
          return;
        }
        try {
          changed(await busy(add, () => api<Note>('POST', `/notes/${encodeURIComponent(note.id)}/addenda`, { text: text.input.value.trim() })));
        } catch (e) {
          const hit = e instanceof ApiError ? (e.problem.errors ?? []).find((x) => x.code === 'member_name') : undefined;
          if (hit) text.show(h('p', { class: 'name-hit' }, t('group.name_found_rephrase', { word: String(hit.params?.word ?? '') })));
          status.replaceChildren(notice('error', problemText(e)));
          (hit ? text.input : status).focus();
        }
      },
    },
    text.wrap,
    status,
    h('div', { class: 'actions' }, add),
  );
  return section(
    t('group.note_title'),
    h(
      'div',
      { class: 'signed-box', 'data-testid': 'note-signed' },
      h(
        'p',
        null,
        h('span', { class: 'tag tag-ok' }, t('group.signed_tag')),
        ' ',
        t('group.signed_by', { name: signer, when: fmtShortDateTime(note.signed_at, tz) }),
        note.late ? [' ', h('span', { class: 'tag tag-warn' }, t('group.late_tag'))] : null,
      ),
      note.cosign_required
        ? h('p', null, note.cosigned_at ? t('group.cosigned') : t('group.cosign_due', { when: fmtShortDateTime(note.cosign_due_at, tz) }))
        : null,
      h('p', { class: 'muted small' }, t('group.locked_hint')),
    ),
    ...(await noteFacts(note, members)),
    h('h3', null, t('group.addenda')),
    addenda.length ? h('ol', { class: 'addenda', 'data-testid': 'addenda' }, addenda) : h('p', { class: 'muted' }, t('group.no_addenda')),
    form,
  );
}

