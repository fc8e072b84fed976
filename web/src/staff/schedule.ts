// Schedule: a week calendar by track, staff member, room or program, in the program's time zone,
// previous/next week, keyboard-navigable (arrow keys move between sessions and days). A clinical
// director moves or cancels one occurrence; staff book an individual or psychiatrist appointment
// from the server's proposals, and a double booking names what it collides with. Own chunk.
import { h, uid, type Child } from '../dom';
import { all, api, ApiError } from '../api';
import { t } from '../i18n';
import { serverNow, state } from '../state';
import type { CensusRow, Program, Staff } from '../types';
import { busy, dl, loading, notice, pageTitle, problemText, section, selectField, showProblem, textField } from '../ui';
import { fullName, myPrograms } from './common';
import {
  addDays,
  fmtDay,
  fmtTimes,
  fmtWeek,
  isoWeek,
  mondayOf,
  sessionKindLabel,
  sessionStatusLabel,
  todayIn,
  wallTime,

  zonedIso,
  type Room,
  type Session,
  type Track,
} from '../ops';

type Mode = 'track' | 'staff' | 'room' | 'program';

/** What the calendar shows; kept in memory while the app runs (never in the URL). */
const view = {
  mode: 'track' as Mode,
  target: '',
  monday: '',
  selected: null as string | null,
  /** A message for the session's panel after it was reloaded (a stale change). */
  flash: '',
};

interface Ctx {
  programs: Program[];
  tracks: Track[];
  rooms: Room[];
  staff: Staff[];
  patients: Map<string, string>;
  tz?: string;
}

export async function renderSchedule(root: HTMLElement): Promise<void> {
  const problems = h('div', { tabindex: '-1' });
  const body = h('div', { class: 'stack-lg' }, loading());
  root.append(pageTitle(t('schedule.title')), problems, body);
  let ctx: Ctx;
  try {
    const programs = await myPrograms();
    const [tracks, rooms, staff, census] = await Promise.all([
      Promise.all(programs.map((p) => all<Track>(`/programs/${encodeURIComponent(p.id)}/tracks`).catch(() => [] as Track[]))).then((l) => l.flat()),
      all<Room>('/rooms').catch(() => [] as Room[]),
      all<Staff>('/staff').catch(() => [] as Staff[]),
      Promise.all(
        programs.map((p) =>
          api<{ items: CensusRow[] }>('GET', `/census?program_id=${encodeURIComponent(p.id)}`).then(
            (c) => c.items,
            () => [] as CensusRow[],
          ),
        ),
      ).then((l) => l.flat()),
    ]);
    ctx = {
      programs,
      tracks,
      rooms,
      staff: staff.filter((s) => s.role !== 'admin' && s.active !== false),
      patients: new Map(census.map((r) => [r.patient_id, fullName(r)])),
      tz: programs[0]?.time_zone,
    };
  } catch (e) {
    body.replaceChildren();
    showProblem(problems, e);
    return;
  }
  if (!view.monday) view.monday = mondayOf(todayIn(ctx.tz));
  if (!view.target || !targets(ctx, view.mode).some((o) => o.value === view.target)) {
    const list = targets(ctx, view.mode);
    view.target = list[0]?.value ?? '';
  }

  const calendar = h('div', { 'data-testid': 'calendar' });
  const details = h('div');
  const booking = state.user!.role === 'group_leader' ? null : bookingCard(ctx, () => void load());
  const targetBox = h('div');

  const drawTarget = () => {
    const list = targets(ctx, view.mode);
    if (!list.some((o) => o.value === view.target)) view.target = list[0]?.value ?? '';
    const f = selectField(modeLabel(view.mode), list, view.target, {
      'data-testid': 'schedule-target',
      onchange: (e: Event) => {
        view.target = (e.target as HTMLSelectElement).value;
        view.selected = null;
        void load();
      },
    });
    targetBox.replaceChildren(f.wrap);
  };
  const mode = selectField(
    t('schedule.show_by'),
    (['track', 'staff', 'room', 'program'] as Mode[]).map((m) => ({ value: m, label: modeName(m) })),
    view.mode,
    {
      'data-testid': 'schedule-mode',
      onchange: (e: Event) => {
        view.mode = (e.target as HTMLSelectElement).value as Mode;
        view.selected = null;
        drawTarget();
        void load();
      },
    },
  );
  drawTarget();

  const weekLabel = h('h2', { class: 'week-label', 'aria-live': 'polite', 'data-testid': 'week-label' });
  const move = (days: number) => {
    view.monday = days === 0 ? mondayOf(todayIn(ctx.tz)) : addDays(view.monday, days);
    view.selected = null;
    void load();
  };
  const nav = h(
    'div',
    { class: 'week-nav' },
    h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'prev-week', onclick: () => move(-7) }, h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('schedule.prev_week')),
    h('button', { type: 'button', class: 'btn btn-small', onclick: () => move(0) }, t('schedule.this_week')),
    h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'next-week', onclick: () => move(7) }, t('schedule.next_week'), h('span', { 'aria-hidden': 'true' }, ' \u2192')),
  );

  let sessions: Session[] = [];
  const load = async () => {
    const monday = view.monday;
    weekLabel.textContent = `${fmtWeek(monday)} · ${t('schedule.week_number', { n: Number(isoWeek(monday).slice(6)) })}`;
    calendar.replaceChildren(loading());
    const q = new URLSearchParams({ from: monday, to: addDays(monday, 6) });
    if (view.target) q.set(`${view.mode}_id`, view.target);
    try {
      const list = await all<Session>(`/sessions?${q.toString()}`);
      if (monday !== view.monday) return;
      sessions = list.sort((a, b) => Date.parse(a.starts) - Date.parse(b.starts));
    } catch (e) {
      calendar.replaceChildren(notice('error', problemText(e)));
      return;
    }
    drawCalendar();
    drawDetails();
    booking?.setWeek(view.monday);
  };

  const drawCalendar = () => {
    const today = todayIn(ctx.tz);
    const days = [0, 1, 2, 3, 4, 5, 6].map((i) => addDays(view.monday, i));
    const cols = days.map((d) => {
      const mine = sessions.filter((s) => s.date === d);
      const headId = uid('day');
      return h(
        'section',
        { class: `day${d === today ? ' today' : ''}`, 'aria-labelledby': headId, 'data-date': d },
        h('h3', { id: headId }, fmtDay(d), d === today ? h('span', { class: 'visually-hidden' }, ` (${t('schedule.today')})`) : null),
        mine.length
          ? h(
              'ul',
              null,
              mine.map((s) =>
                h(
                  'li',
                  null,
                  h(
                    'button',
                    {
                      type: 'button',
                      class: `slot kind-${s.kind} status-${s.status}`,
                      'aria-pressed': String(view.selected === s.id),
                      'data-id': s.id,
                      'data-testid': 'slot',
                      onclick: () => {
                        view.selected = s.id;
                        for (const b of calendar.querySelectorAll('.slot')) b.setAttribute('aria-pressed', String(b.getAttribute('data-id') === s.id));
                        drawDetails(true);
                      },
                    },
                    h('span', { class: 'slot-time' }, fmtTimes(s.starts, s.ends, tzOf(ctx, s))),
                    h('span', { class: 'slot-title' }, slotTitle(ctx, s)),
                    s.room_id ? h('span', { class: 'muted small block' }, roomName(ctx, s.room_id)) : null,
                    s.status !== 'scheduled' ? h('span', { class: 'slot-status block' }, sessionStatusLabel(s.status)) : null,
                  ),
                ),
              ),
            )
          : h('p', { class: 'muted small' }, t('schedule.nothing')),
      );
    });
    calendar.replaceChildren(
      h(
        'div',
        { class: 'week', role: 'group', 'aria-label': t('schedule.week_aria', { week: fmtWeek(view.monday) }), onkeydown: (ev: KeyboardEvent) => arrowKeys(ev, calendar) },
        cols,
      ),
      sessions.length ? '' : h('p', { class: 'muted', 'data-testid': 'week-empty' }, t('schedule.week_empty')),
      h('p', { class: 'muted small' }, t('schedule.keyboard_hint')),
    );
  };

  const drawDetails = (focus = false) => {
    const s = sessions.find((x) => x.id === view.selected);
    if (!s) {
      details.replaceChildren();
      return;
    }
    details.replaceChildren(sessionDetails(ctx, s, (reload) => {
      if (reload) void load();
    }));
    const flashed = details.querySelector<HTMLElement>('[data-testid="change-status"]:not(:empty)');
    if (flashed) flashed.focus();
    else if (focus) details.querySelector<HTMLElement>('h2')?.focus();
  };

  body.replaceChildren(
    h('div', { class: 'filters' }, mode.wrap, targetBox),
    h('div', { class: 'week-nav-wrap' }, weekLabel, nav),
    calendar,
    details,
    booking?.el ?? '',
  );
  await load();
}

function modeName(m: Mode): string {
  switch (m) {
    case 'track':
      return t('schedule.by_track');
    case 'staff':
      return t('schedule.by_staff');
    case 'room':
      return t('schedule.by_room');
    default:
      return t('schedule.by_program');
  }
}

function modeLabel(m: Mode): string {
  switch (m) {
    case 'track':
      return t('schedule.track');
    case 'staff':
      return t('schedule.staff_member');
    case 'room':
      return t('schedule.room');
    default:
      return t('schedule.program');
  }
}

function targets(ctx: Ctx, m: Mode): { value: string; label: string }[] {
  switch (m) {
    case 'track':
      return ctx.tracks.map((tr) => ({ value: tr.id, label: `${tr.name} · ${ctx.programs.find((p) => p.id === tr.program_id)?.name ?? ''}` }));
    case 'staff': {
      const me = state.user!;
      const list = ctx.staff.map((s) => ({ value: s.id, label: s.display_name }));
      // The user first: "my week" is the common question.
      list.sort((a, b) => (a.value === me.id ? -1 : b.value === me.id ? 1 : a.label.localeCompare(b.label)));
      return list;
    }
    case 'room':
      return ctx.rooms.map((r) => ({ value: r.id, label: r.name }));
    default:
      return ctx.programs.map((p) => ({ value: p.id, label: p.name }));
  }
}

function tzOf(ctx: Ctx, s: Session): string | undefined {
  return ctx.programs.find((p) => p.id === s.program_id)?.time_zone ?? ctx.tz;
}

function roomName(ctx: Ctx, id: string | null): string {
  if (!id) return '';
  return ctx.rooms.find((r) => r.id === id)?.name ?? t('schedule.room_unknown');
}

function staffNameOf(ctx: Ctx, id: string): string {
  return ctx.staff.find((s) => s.id === id)?.display_name ?? t('schedule.staff_unknown');
}

function slotTitle(ctx: Ctx, s: Session): string {
  if (s.kind === 'group') return s.title ?? sessionKindLabel('group');
  const who = (s.patient_ids ?? []).map((p) => ctx.patients.get(p)).filter(Boolean);
  return who.length ? `${sessionKindLabel(s.kind)}: ${who.join('; ')}` : sessionKindLabel(s.kind);
}

/** Arrow keys: up/down within a day, left/right to the nearest session of the next day with any. */
function arrowKeys(ev: KeyboardEvent, calendar: HTMLElement): void {
  const el = ev.target as HTMLElement;
  if (!el.classList.contains('slot') || !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(ev.key)) return;
  const days = [...calendar.querySelectorAll<HTMLElement>('.day')];
  const day = el.closest<HTMLElement>('.day')!;
  const inDay = [...day.querySelectorAll<HTMLElement>('.slot')];
  const i = inDay.indexOf(el);
  let target: HTMLElement | undefined;
  if (ev.key === 'ArrowUp') target = inDay[i - 1];
  else if (ev.key === 'ArrowDown') target = inDay[i + 1];
  else if (ev.key === 'Home') target = calendar.querySelector<HTMLElement>('.slot') ?? undefined;
  else if (ev.key === 'End') target = [...calendar.querySelectorAll<HTMLElement>('.slot')].pop();
  else {
    const step = ev.key === 'ArrowLeft' ? -1 : 1;
    for (let d = days.indexOf(day) + step; d >= 0 && d < days.length && !target; d += step) {
      const slots = [...days[d].querySelectorAll<HTMLElement>('.slot')];
      target = slots[Math.min(i, slots.length - 1)];
    }
  }
  if (target) {
    ev.preventDefault();
    target.focus();
  }
}

function sessionDetails(ctx: Ctx, s: Session, changed: (reload: boolean) => void): HTMLElement {
  const tz = tzOf(ctx, s);
  const headId = uid('sec');
  const patients = (s.patient_ids ?? []).map((p) => ctx.patients.get(p) ?? t('schedule.patient_hidden'));
  const facts = dl([
    [t('schedule.what'), `${sessionKindLabel(s.kind)}${s.title ? ` · ${s.title}` : ''}`],
    [t('schedule.when'), `${fmtDay(s.date)}, ${fmtTimes(s.starts, s.ends, tz)}`],
    [t('schedule.room'), roomName(ctx, s.room_id)],
    [t('schedule.staff'), s.staff_ids.map((id) => staffNameOf(ctx, id)).join(', ')],
    [t('schedule.patients'), patients.length ? patients.join('; ') : s.patient_count !== undefined ? String(s.patient_count) : ''],
    [t('schedule.status'), sessionStatusLabel(s.status)],
  ]);
  const children: Child[] = [h('h2', { id: headId, tabindex: '-1' }, t('schedule.session')), facts];
  if (state.user!.role === 'clinical_director' && s.status !== 'cancelled') children.push(changeForms(ctx, s, tz, changed));
  return h('section', { class: 'card', 'aria-labelledby': headId, 'data-testid': 'session-details' }, children);
}

/** The director moves or cancels this one occurrence (the weekly pattern stays). */
function changeForms(ctx: Ctx, s: Session, tz: string | undefined, changed: (reload: boolean) => void): HTMLElement {
  const status = h('div', { tabindex: '-1', 'data-testid': 'change-status' });
  if (view.flash) {
    status.append(notice('error', view.flash));
    view.flash = '';
  }
  const date = textField(t('schedule.move_date'), { type: 'date', value: s.date });
  const start = textField(t('schedule.move_start'), { type: 'time', value: wallTime(s.starts, tz) });
  const end = textField(t('schedule.move_end'), { type: 'time', value: wallTime(s.ends, tz) });
  const reason = textField(t('schedule.reason'), { autocomplete: 'off', hint: t('schedule.reason_hint') });
  const moveBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('schedule.move'));
  const cancelBtn = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'cancel-session' }, t('schedule.cancel_occurrence'));
  const fields = { starts: start, ends: end };
  const send = async (btn: HTMLButtonElement, body: Record<string, unknown>) => {
    status.replaceChildren();
    try {
      await busy(btn, () => api<Session>('PATCH', `/sessions/${encodeURIComponent(s.id)}`, { version: s.version, ...body }));
      changed(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.conflict?.kind === 'version') {
        // The week reloads; the message stays with the reloaded session.
        view.flash = t('schedule.stale');
        changed(true);
        return;
      }
      if (e instanceof ApiError && e.status === 409 && e.problem.conflict) {
        status.replaceChildren(notice('error', await conflictText(ctx, e.problem.conflict, s.starts, s.ends)));
        status.focus();
        return;
      }
      showProblem(status, e, fields);
    }
  };
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'data-testid': 'move-form',
      onsubmit: (ev: SubmitEvent) => {
        ev.preventDefault();
        const a = zonedIso(date.input.value, start.input.value, tz);
        const b = zonedIso(date.input.value, end.input.value, tz);
        if (!a || !b) {
          status.replaceChildren(notice('error', t('err.invalid')));
          return;
        }
        const body: Record<string, unknown> = { starts: a, ends: b };
        if (reason.input.value.trim()) body.reason = reason.input.value.trim();
        void send(moveBtn, body);
      },
    },
    h('div', { class: 'form-grid' }, date.wrap, start.wrap, end.wrap),
    reason.wrap,
    status,
    h('div', { class: 'actions' }, moveBtn, cancelBtn),
  );
  cancelBtn.addEventListener('click', () => {
    const body: Record<string, unknown> = { cancelled: true };
    if (reason.input.value.trim()) body.reason = reason.input.value.trim();
    void send(cancelBtn, body);
  });
  return h('div', null, h('h3', null, t('schedule.change_title')), h('p', { class: 'muted small' }, t('schedule.change_hint')), form);
}

/** "Marta Zielińska already has something then: Individual session, 10:00–11:00". */
async function conflictText(ctx: Ctx, c: { kind: string; id?: string }, starts: string, ends: string): Promise<string> {
  let who = '';
  let param = '';
  if (c.kind === 'staff') {
    who = c.id ? staffNameOf(ctx, c.id) : '';
    param = 'staff_id';
  } else if (c.kind === 'patient') {
    who = (c.id && ctx.patients.get(c.id)) || t('schedule.the_patient');
    param = 'patient_id';
  } else if (c.kind === 'room') {
    who = roomName(ctx, c.id ?? null);
    param = 'room_id';
  } else {
    return t('err.conflict');
  }
  // The answer names who; the session it collides with is found in that person's (or room's) day.
  let what = '';
  if (c.id) {
    const day = wallDate(starts, ctx.tz);
    const list = await all<Session>(`/sessions?from=${day}&to=${day}&${param}=${encodeURIComponent(c.id)}`).catch(() => [] as Session[]);
    const hit = list.find((x) => x.status !== 'cancelled' && Date.parse(x.starts) < Date.parse(ends) && Date.parse(x.ends) > Date.parse(starts));
    if (hit) what = `${sessionKindLabel(hit.kind)}${hit.title ? ` · ${hit.title}` : ''}, ${fmtTimes(hit.starts, hit.ends, tzOf(ctx, hit))}`;
  }
  const key = c.kind === 'staff' ? 'schedule.conflict_staff' : c.kind === 'patient' ? 'schedule.conflict_patient' : 'schedule.conflict_room';
  const text = key === 'schedule.conflict_staff' ? t('schedule.conflict_staff', { name: who }) : key === 'schedule.conflict_patient' ? t('schedule.conflict_patient', { name: who }) : t('schedule.conflict_room', { name: who });
  return what ? `${text} ${t('schedule.conflict_with', { what })}` : text;
}

function wallDate(ts: string, tz?: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz }).format(new Date(ts));
}

// ---------------------------------------------------------------------------------------------
// Booking an appointment from proposals

interface Proposals {
  patient_id: string;
  kind: string;
  week: string;
  staff_id: string;
  slots: { starts: string; ends: string; staff_id: string }[];
}

function bookingCard(ctx: Ctx, booked: () => void): { el: HTMLElement; setWeek: (monday: string) => void } {
  let monday = view.monday;
  const patients = [...ctx.patients.entries()].sort((a, b) => a[1].localeCompare(b[1]));
  const patient = selectField(
    t('schedule.book_patient'),
    [{ value: '', label: t('schedule.choose_patient') }, ...patients.map(([id, name]) => ({ value: id, label: name }))],
    '',
    { 'data-testid': 'book-patient' },
  );
  const kind = selectField(
    t('schedule.book_kind'),
    [
      { value: 'individual', label: t('schedule.kind_individual') },
      { value: 'psychiatrist', label: t('schedule.kind_psychiatrist') },
    ],
    'individual',
    { 'data-testid': 'book-kind' },
  );
  const weekNote = h('p', { class: 'muted' });
  const status = h('div', { tabindex: '-1', 'data-testid': 'book-status' });
  const results = h('div', { 'data-testid': 'proposals' });
  const find = h('button', { type: 'submit', class: 'btn btn-primary' }, t('schedule.find_times'));

  const propose = async () => {
    status.replaceChildren();
    patient.setError(null);
    if (!patient.input.value) {
      patient.setError(t('err.required'));
      patient.input.focus();
      return;
    }
    results.replaceChildren(loading());
    try {
      const p = await busy(find, () =>
        api<Proposals>('POST', '/appointments/proposals', { patient_id: patient.input.value, kind: kind.input.value, week: isoWeek(monday) }),
      );
      drawSlots(p);
    } catch (e) {
      results.replaceChildren();
      showProblem(status, e, { patient_id: patient, kind });
    }
  };

  const drawSlots = (p: Proposals) => {
    const now = serverNow();
    const slots = p.slots.filter((s) => Date.parse(s.starts) > now);
    if (!slots.length) {
      results.replaceChildren(h('p', null, t('schedule.no_slots')));
      return;
    }
    results.replaceChildren(
      h('p', null, t('schedule.slots_with', { name: staffNameOf(ctx, p.staff_id) })),
      h(
        'ul',
        { class: 'proposals' },
        slots.map((sl) =>
          h(
            'li',
            null,
            h(
              'button',
              { type: 'button', class: 'btn btn-small', 'data-testid': 'slot-book', 'data-starts': sl.starts, onclick: (ev: MouseEvent) => void book(p, sl, ev.currentTarget as HTMLButtonElement) },
              `${fmtDay(wallDate(sl.starts, ctx.tz), 'short')}, ${fmtTimes(sl.starts, sl.ends, ctx.tz)}`,
            ),
          ),
        ),
      ),
    );
  };

  const book = async (p: Proposals, sl: { starts: string; ends: string; staff_id: string }, btn: HTMLButtonElement) => {
    status.replaceChildren();
    try {
      const s = await busy(btn, () => api<Session>('POST', '/appointments', { patient_id: p.patient_id, kind: p.kind, staff_id: sl.staff_id, starts: sl.starts }));
      status.replaceChildren(
        notice(
          'success',
          t('schedule.booked', {
            what: sessionKindLabel(s.kind),
            name: ctx.patients.get(p.patient_id) ?? '',
            when: `${fmtDay(s.date)}, ${fmtTimes(s.starts, s.ends, ctx.tz)}`,
            staff: staffNameOf(ctx, sl.staff_id),
          }),
        ),
      );
      results.replaceChildren();
      status.focus();
      booked();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && e.problem.conflict) {
        status.replaceChildren(
          notice('error', h('p', { 'data-testid': 'conflict-message' }, await conflictText(ctx, e.problem.conflict, sl.starts, sl.ends)), h('p', null, t('schedule.conflict_refreshed'))),
        );
        status.focus();
        void refreshQuietly();
        return;
      }
      showProblem(status, e);
    }
  };

  const refreshQuietly = async () => {
    try {
      drawSlots(await api<Proposals>('POST', '/appointments/proposals', { patient_id: patient.input.value, kind: kind.input.value, week: isoWeek(monday) }));
    } catch {
      /* the message above says enough */
    }
  };

  const setWeek = (m: string) => {
    if (m !== monday) results.replaceChildren();
    monday = m;
    weekNote.textContent = t('schedule.book_week', { week: fmtWeek(monday) });
  };
  setWeek(monday);

  const el = section(
    t('schedule.book_title'),
    weekNote,
    h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'book-form',
        onsubmit: (ev: SubmitEvent) => {
          ev.preventDefault();
          void propose();
        },
      },
      h('div', { class: 'form-grid' }, patient.wrap, kind.wrap),
      h('div', { class: 'actions' }, find),
    ),
    status,
    results,
  );
  return { el, setWeek };
}


