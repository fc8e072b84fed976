// Program administration, loaded when an editor opens on the Programs screen: programs (admins),
// tracks and groups (admins and the clinical directors of the program), rooms (admins). The
// server decides who may do what; a 403/404/409/422 is shown next to the fields it names. Edits
// carry the record's version, so a change made meanwhile is refused (409), never overwritten.
import { h, uid, type Child } from '../dom';
import { ApiError, all, api, type FieldError } from '../api';
import { LANG_NAMES, LANGS, locale, t } from '../i18n';
import { fmtDate, fmtNumber } from '../format';
import { focusLabel, populationLabel, roleLabel } from '../labels';
import { state } from '../state';
import type { CensusRow, Group, Program, Room, Staff, Track } from '../types';
import { busy, button, checkbox, clearProblem, fieldMessage, selectField, showProblem, textField, type Field } from '../ui';

/** What an editor tells the Programs screen. */
export interface EditorEvents {
  /** Saved: the screen reloads and shows `message`. */
  saved: (message: string) => void | Promise<void>;
  cancel: () => void;
}

// ---- shared pieces (also used by the settings editor) ----

const num = (v: unknown) => (typeof v === 'number' ? fmtNumber(v, 2) : String(v ?? ''));

/** The server's field errors of these screens in the interface language, by their codes. */
export function adminMessage(fe: FieldError): { text: string; lang?: string } {
  const p = fe.params ?? {};
  const date = typeof p.date === 'string' ? fmtDate(p.date) : '';
  // A schedule change's `date` is the first day it may take effect (for `ends_on`, below, the
  // last day with attendance): the same codes need other words here.
  if (fe.field === 'effective_from') {
    switch (fe.code) {
      case 'past':
        return { text: t('padmin.err_from_past', { date }) };
      case 'before_attendance':
        return { text: t('padmin.err_from_attendance', { date }) };
      case 'before_change':
        return { text: t('padmin.err_from_change', { date }) };
      case 'no_schedule_change':
        return { text: t('padmin.err_from_no_change') };
    }
  }
  switch (fe.code) {
    case 'range':
      if (/^ack_deadlines_minutes\.(imminent|high)$/.test(fe.field) && typeof p.max === 'number' && p.max <= 60) {
        return { text: t('settings.err_floor', { max: num(p.max) }) };
      }
      break;
    case 'time_zone':
      return { text: t('padmin.err_time_zone') };
    case 'time':
      return { text: t('padmin.err_time') };
    case 'after_start':
      return { text: t('tracks.err_end_after_start') };
    case 'before_end':
      return { text: t('tracks.err_start_before_end') };
    case 'min_items':
      if (fe.field === 'weekdays') return { text: t('tracks.err_days') };
      break;
    case 'duplicate':
      return { text: t('padmin.err_twice') };
    case 'https':
      return { text: t('settings.err_https') };
    case 'required':
      if (/^webhooks\[\d+\]\.secret$/.test(fe.field)) return { text: t('settings.err_secret_required') };
      break;
    case 'below_members':
      return { text: t('groups.err_capacity_below') };
    case 'over_capacity':
      return { text: t('groups.err_over_capacity', { n: num(p.count), capacity: num(p.capacity) }) };
    case 'same_as_leader':
      return { text: t('groups.err_same_leader') };
    case 'not_staff':
      return { text: t('groups.err_not_staff') };
    case 'not_clinical':
      return { text: t('groups.err_not_clinical') };
    case 'no_active_episode':
      return { text: t('groups.err_no_episode') };
    case 'not_visible':
      return { text: t('groups.err_not_visible') };
    case 'before_attendance':
      return { text: t('groups.err_before_attendance', { date }) };
  }
  return fieldMessage(fe);
}

/** A labelled number input (the server checks the range; `novalidate` forms). */
export function numberField(label: string, value: number | null | undefined, attrs: Record<string, string | number | boolean | undefined> = {}): Field {
  return textField(label, { type: 'number', inputmode: 'numeric', value: value == null ? '' : String(value), ...attrs });
}

/** A number as typed: empty is absent, a non-number goes as text so the server names the field. */
export function numberValue(input: HTMLInputElement): number | string | undefined {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v.replace(',', '.'));
  return Number.isFinite(n) ? n : v;
}

/** A fieldset of checkboxes or rows that can carry one error message like a field. */
export function groupField(legend: string, children: Child[], attrs: Record<string, string> = {}): Field<HTMLElement> & { body: HTMLElement } {
  const errId = uid('err');
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  const body = h('div', { class: attrs.bodyClass ?? 'checks' }, children);
  const wrap = h('fieldset', { 'data-testid': attrs.testid }, h('legend', null, legend), err, body);
  const focusable = () => wrap.querySelector<HTMLElement>('input, select, textarea, button') ?? wrap;
  return {
    wrap,
    body,
    get input() {
      return focusable();
    },
    setError(msg) {
      err.textContent = msg ?? '';
      err.hidden = !msg;
      if (msg) wrap.setAttribute('aria-describedby', errId);
      else wrap.removeAttribute('aria-describedby');
      for (const i of wrap.querySelectorAll('input')) {
        if (msg) i.setAttribute('aria-invalid', 'true');
        else i.removeAttribute('aria-invalid');
      }
    },
  };
}

interface FormSpec {
  title: string;
  testid: string;
  submitLabel: string;
  /** h2 at the top of the page, h3 inside a program's card. */
  level?: 'h2' | 'h3';
  content: Child[];
  /** The API's field paths to fields (rows come and go, so asked for at each submit). */
  fields: () => Record<string, Field<HTMLElement>>;
  submit: () => Promise<void>;
  cancel: () => void;
  /** A stale version: reads the record again and puts a fresh form in place of this one. */
  reload?: () => Promise<HTMLElement>;
}

/** A card-like form: title, content, problems, Save and Cancel; Escape cancels. */
export function editorForm(spec: FormSpec): HTMLFormElement {
  const titleId = uid('ft');
  const status = h('div', { tabindex: '-1', class: 'form-status' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, spec.submitLabel);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack editor',
      novalidate: true,
      'aria-labelledby': titleId,
      'data-testid': spec.testid,
      onkeydown: (ev: KeyboardEvent) => {
        if (ev.key === 'Escape') {
          ev.preventDefault();
          spec.cancel();
        }
      },
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        const fields = spec.fields();
        clearProblem(status, fields);
        try {
          await busy(save, spec.submit);
        } catch (e) {
          showProblem(status, e, fields, adminMessage);
          if (e instanceof ApiError && e.status === 409 && spec.reload) {
            status.firstElementChild?.append(
              button(
                t('staff.reload_latest'),
                async () => {
                  try {
                    const fresh = await spec.reload!();
                    form.replaceWith(fresh);
                    fresh.querySelector<HTMLElement>('input, select, textarea')?.focus();
                  } catch (err) {
                    showProblem(status, err);
                  }
                },
                { class: 'btn btn-small' },
              ),
            );
          }
        }
      },
    },
    h(spec.level ?? 'h3', { id: titleId }, spec.title),
    spec.content,
    status,
    h('div', { class: 'actions' }, save, button(t('common.cancel'), spec.cancel, { class: 'btn btn-quiet' })),
  );
  return form;
}

const enc = encodeURIComponent;

// ---- programs ----

const FOCUSES = ['substance_use', 'eating_disorder', 'mood_anxiety', 'serious_mental_illness'];
const POPULATIONS = ['adult', 'adolescent'];
const LEVELS = ['2.1', '2.5'];

function levelLabel(l: string): string {
  return l === '2.5' ? t('padmin.level_25') : t('padmin.level_21');
}

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    /* an older browser: the current zone only */
  }
  return zones.includes(current) ? zones : [current, ...zones];
}

export function programForm(program: Program | null, on: EditorEvents, defaults: { time_zone?: string } = {}): HTMLFormElement {
  const tz = program?.time_zone ?? defaults.time_zone ?? 'Europe/Warsaw';
  const f = {
    name: textField(t('padmin.name'), { required: true, autocomplete: 'off', value: program?.name }),
    focus: selectField(t('programs.focus'), FOCUSES.map((x) => ({ value: x, label: focusLabel(x) })), program?.focus ?? 'substance_use'),
    population: selectField(t('programs.population'), POPULATIONS.map((x) => ({ value: x, label: populationLabel(x) })), program?.population ?? 'adult'),
    level_of_care: selectField(t('programs.level_of_care'), LEVELS.map((x) => ({ value: x, label: levelLabel(x) })), program?.level_of_care ?? '2.1'),
    days_per_week: numberField(t('padmin.days_per_week'), program?.days_per_week ?? 3, { min: 1, max: 7, required: true }),
    hours_per_day: numberField(t('padmin.hours_per_day'), program?.hours_per_day ?? 3, { min: 0.5, max: 12, step: 0.5, inputmode: 'decimal', required: true }),
    min_hours_per_week: numberField(t('programs.min_hours'), program?.min_hours_per_week, {
      min: 0,
      max: 60,
      step: 0.5,
      inputmode: 'decimal',
      hint: t('padmin.min_hours_hint'),
    }),
    time_zone: selectField(t('programs.time_zone'), timeZones(tz).map((z) => ({ value: z, label: z })), tz),
    language: selectField(t('programs.language'), LANGS.map((l) => ({ value: l, label: LANG_NAMES[l], lang: l })), program?.language ?? 'en'),
  };
  return editorForm({
    title: program ? t('padmin.edit_title', { name: program.name }) : t('padmin.new_title'),
    testid: 'program-form',
    level: program ? 'h3' : 'h2',
    submitLabel: program ? t('common.save') : t('padmin.create'),
    content: [
      h('div', { class: 'form-grid' }, Object.values(f).map((x) => x.wrap)),
    ],
    fields: () => f,
    cancel: on.cancel,
    reload: program
      ? async () => programForm(await api<Program>('GET', `/programs/${enc(program.id)}`), on, defaults)
      : undefined,
    submit: async () => {
      const body: Record<string, unknown> = {
        name: f.name.input.value.trim(),
        focus: f.focus.input.value,
        population: f.population.input.value,
        level_of_care: f.level_of_care.input.value,
        days_per_week: numberValue(f.days_per_week.input),
        hours_per_day: numberValue(f.hours_per_day.input),
        min_hours_per_week: numberValue(f.min_hours_per_week.input),
        time_zone: f.time_zone.input.value,
        language: f.language.input.value,
      };
      for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
      if (program) {
        body.version = program.version;
        // Emptied: back to the usual minimum of the level of care and population.
        if (body.min_hours_per_week === undefined) body.min_hours_per_week = null;
        const saved = await api<Program>('PATCH', `/programs/${enc(program.id)}`, body);
        await on.saved(t('padmin.updated', { name: saved.name }));
      } else {
        const saved = await api<Program>('POST', '/programs', body);
        await on.saved(t('padmin.created', { name: saved.name }));
      }
    },
  });
}

// ---- tracks ----

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** "Monday" in the interface language (5 Jan 2026 was a Monday). */
function weekdayName(i: number): string {
  return new Intl.DateTimeFormat(locale(), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 0, 5 + i)));
}

/** The optional "Takes effect from" date of a schedule change (empty: the first day allowed). */
function effectiveFromField(hint: string): Field {
  return textField(t('padmin.effective_from'), { type: 'date', hint });
}

/** A new track, or (with `track`) a change to one: new days and times apply from a date on. */
export function trackForm(program: Program, on: EditorEvents, track: Track | null = null): HTMLFormElement {
  const had = new Set(track?.weekdays ?? []);
  const days = WEEKDAYS.map((d, i) => ({ d, box: checkbox(weekdayName(i), had.has(d), { value: d }) }));
  const f = {
    name: textField(t('tracks.name'), { required: true, autocomplete: 'off', value: track?.name }),
    weekdays: groupField(t('tracks.weekdays'), days.map((x) => x.box.wrap)),
    start: textField(t('tracks.start'), { type: 'time', required: true, step: 60, value: track?.start, hint: t('tracks.time_hint', { tz: program.time_zone }) }),
    end: textField(t('tracks.end'), { type: 'time', required: true, step: 60, value: track?.end }),
  };
  const from = track ? effectiveFromField(t('tracks.effective_from_hint')) : null;
  return editorForm({
    title: track ? t('tracks.edit_title', { name: track.name }) : t('tracks.add_title', { program: program.name }),
    testid: 'track-form',
    submitLabel: track ? t('common.save') : t('tracks.create'),
    content: [
      f.name.wrap,
      f.weekdays.wrap,
      h('div', { class: 'form-grid' }, f.start.wrap, f.end.wrap, from?.wrap),
    ],
    fields: () => (from ? { ...f, effective_from: from } : f),
    cancel: on.cancel,
    reload: track
      ? async () => {
          const fresh = (await all<Track>(`/programs/${enc(program.id)}/tracks`)).find((x) => x.id === track.id);
          if (!fresh) throw new ApiError(404, { status: 404 });
          return trackForm(program, on, fresh);
        }
      : undefined,
    submit: async () => {
      const weekdays = days.filter((x) => x.box.input.checked).map((x) => x.d);
      const body: Record<string, unknown> = {
        name: f.name.input.value.trim(),
        weekdays,
        start: f.start.input.value,
        end: f.end.input.value,
      };
      if (!track) {
        const saved = await api<Track>('POST', `/programs/${enc(program.id)}/tracks`, body);
        return on.saved(t('tracks.created', { name: saved.name }));
      }
      // Only what changed goes (a lone effective_from is refused by name, not silently ignored).
      if (body.name === track.name) delete body.name;
      if (weekdays.join() === WEEKDAYS.filter((d) => had.has(d)).join()) delete body.weekdays;
      if (body.start === track.start) delete body.start;
      if (body.end === track.end) delete body.end;
      if (from!.input.value) body.effective_from = from!.input.value;
      const saved = await api<Track>('PATCH', `/tracks/${enc(track.id)}`, { ...body, version: track.version });
      await on.saved(
        saved.effective_from
          ? t('tracks.updated_from', { name: saved.name, date: fmtDate(saved.effective_from) })
          : t('tracks.updated', { name: saved.name }),
      );
    },
  });
}

// ---- groups ----

const GROUP_KINDS: Record<string, Parameters<typeof t>[0]> = {
  process: 'groups.kind_process',
  psychoeducation: 'groups.kind_psychoeducation',
  skills_dbt: 'groups.kind_skills_dbt',
  skills_cbt: 'groups.kind_skills_cbt',
  skills: 'groups.kind_skills',
  relapse_prevention: 'groups.kind_relapse_prevention',
  family: 'groups.kind_family',
  twelve_step_facilitation: 'groups.kind_twelve_step_facilitation',
  mindfulness: 'groups.kind_mindfulness',
  other: 'groups.kind_other',
};

interface GroupContext {
  program: Program;
  tracks: Track[];
  rooms: Room[];
  staff: Staff[];
  /** Active patients of the program (null: the role may not list them). */
  patients: CensusRow[] | null;
}

/** What the group form needs, read when it opens. */
export async function groupContext(program: Program): Promise<GroupContext> {
  const id = enc(program.id);
  const [tracks, rooms, staff, patients] = await Promise.all([
    all<Track>(`/programs/${id}/tracks`),
    all<Room>('/rooms'),
    all<Staff>('/staff'),
    // Admins do not read the census: they manage groups but not who is in them.
    state.user!.role === 'admin'
      ? Promise.resolve(null)
      : api<{ items: CensusRow[] }>('GET', `/census?program_id=${id}`)
          .then((c) => c.items)
          .catch((e) => (e instanceof ApiError && (e.status === 403 || e.status === 404) ? null : Promise.reject(e))),
  ]);
  // Group leaders are active clinical staff (not admins); the program's own staff first.
  const leaders = staff
    .filter((s) => s.active && s.role !== 'admin')
    .sort(
      (a, b) =>
        Number(b.program_ids.includes(program.id)) - Number(a.program_ids.includes(program.id)) || a.display_name.localeCompare(b.display_name),
    );
  patients?.sort((a, b) => a.family_name.localeCompare(b.family_name) || a.given_name.localeCompare(b.given_name));
  return { program, tracks, rooms, staff: leaders, patients };
}

export function groupForm(ctx: GroupContext, group: Group | null, on: EditorEvents): HTMLFormElement {
  const staffLabel = (s: Staff) => `${s.display_name} (${roleLabel(s.role)})`;
  const staffOptions = ctx.staff.map((s) => ({ value: s.id, label: staffLabel(s) }));
  const none = (label: string) => [{ value: '', label }];
  const f = {
    name: textField(t('groups.name'), { required: true, autocomplete: 'off', value: group?.name }),
    track_id: selectField(t('groups.track'), ctx.tracks.map((x) => ({ value: x.id, label: x.name })), group?.track_id ?? ctx.tracks[0]?.id),
    kind: selectField(t('groups.kind'), Object.entries(GROUP_KINDS).map(([k, key]) => ({ value: k, label: t(key) })), group?.kind ?? 'process'),
    leader_id: selectField(t('groups.leader'), [...none(t('groups.choose_leader')), ...staffOptions], group?.leader_id ?? ''),
    co_leader_id: selectField(t('groups.co_leader'), [...none(t('groups.no_co_leader')), ...staffOptions], group?.co_leader_id ?? ''),
    room_id: selectField(
      t('groups.room'),
      [...none(t('groups.no_room')), ...ctx.rooms.map((r) => ({ value: r.id, label: t('groups.room_option', { name: r.name, n: fmtNumber(r.capacity) }) }))],
      group?.room_id ?? '',
    ),
    capacity: numberField(t('groups.capacity'), group?.capacity ?? 12, { min: 1, max: 50, hint: t('groups.capacity_hint') }),
    ends_on: textField(t('groups.ends_on'), { type: 'date', value: group?.ends_on ?? '', hint: t('groups.ends_on_hint') }),
  };
  // A move to another track applies from a date on: asked only while another track is chosen.
  const from = group ? effectiveFromField(t('groups.effective_from_hint')) : null;
  const moved = () => !!group && f.track_id.input.value !== group.track_id;
  if (from) {
    from.wrap.hidden = true;
    f.track_id.input.addEventListener('change', () => (from.wrap.hidden = !moved()));
  }

  // Members: the program's active patients (a member no longer in the census stays listed).
  const current = new Set(group?.member_ids ?? []);
  let members: { id: string; box: Field }[] = [];
  let membersField: (Field<HTMLElement> & { body: HTMLElement }) | null = null;
  if (ctx.patients) {
    const known = new Set(ctx.patients.map((p) => p.patient_id));
    members = [
      ...ctx.patients.map((p) => ({ id: p.patient_id, box: checkbox(`${p.family_name}, ${p.given_name}`, current.has(p.patient_id)) })),
      ...[...current].filter((id) => !known.has(id)).map((id) => ({ id, box: checkbox(t('groups.member_not_active'), true) })),
    ];
    membersField = groupField(
      t('groups.members'),
      members.length ? members.map((m) => m.box.wrap) : [h('p', { class: 'muted' }, t('groups.no_patients'))],
      { testid: 'group-members' },
    );
  }
  const hidden = group && group.member_ids ? group.member_count - group.member_ids.length : 0;

  const fields = (): Record<string, Field<HTMLElement>> => ({
    ...f,
    ...(from ? { effective_from: from } : {}),
    ...(membersField ? { member_ids: membersField } : {}),
  });
  return editorForm({
    title: group ? t('groups.edit_title', { name: group.name }) : t('groups.add_title', { program: ctx.program.name }),
    testid: 'group-form',
    submitLabel: group ? t('common.save') : t('groups.create'),
    content: [
      h('div', { class: 'form-grid' }, f.name.wrap, f.track_id.wrap, from?.wrap, f.kind.wrap, f.leader_id.wrap, f.co_leader_id.wrap, f.room_id.wrap, f.capacity.wrap, f.ends_on.wrap),
      membersField
        ? membersField.wrap
        : h('p', { class: 'hint' }, group ? t('groups.members_by_director', { n: fmtNumber(group.member_count) }) : t('groups.members_later')),
      hidden > 0 ? h('p', { class: 'hint' }, t('groups.members_hidden', { n: fmtNumber(hidden) })) : null,
    ],
    fields,
    cancel: on.cancel,
    reload: group
      ? async () => groupForm(ctx, await api<Group>('GET', `/groups/${enc(group.id)}`), on)
      : undefined,
    submit: async () => {
      const chosen = members.filter((m) => m.box.input.checked).map((m) => m.id);
      const capacity = numberValue(f.capacity.input);
      if (group) {
        const body: Record<string, unknown> = {
          version: group.version,
          name: f.name.input.value.trim(),
          track_id: f.track_id.input.value,
          kind: f.kind.input.value,
          // Empty clears the co-leader and the room (null); the leader is required.
          co_leader_id: f.co_leader_id.input.value || null,
          room_id: f.room_id.input.value || null,
        };
        if (f.leader_id.input.value) body.leader_id = f.leader_id.input.value;
        if (capacity !== undefined) body.capacity = capacity;
        // Emptied: the group goes on (null clears its end).
        body.ends_on = f.ends_on.input.value || null;
        // member_ids replaces the members one can see (the server keeps the others): sent only
        // when the list was changed here.
        const changed = chosen.length !== current.size || chosen.some((id) => !current.has(id));
        if (membersField && changed) body.member_ids = chosen;
        if (moved() && from!.input.value) body.effective_from = from!.input.value;
        const saved = await api<Group>('PATCH', `/groups/${enc(group.id)}`, body);
        await on.saved(
          saved.effective_from
            ? t('groups.updated_from', { name: saved.name, date: fmtDate(saved.effective_from) })
            : t('groups.updated', { name: saved.name }),
        );
      } else {
        const body: Record<string, unknown> = {
          track_id: f.track_id.input.value,
          name: f.name.input.value.trim(),
          kind: f.kind.input.value,
          leader_id: f.leader_id.input.value,
        };
        if (f.co_leader_id.input.value) body.co_leader_id = f.co_leader_id.input.value;
        if (f.room_id.input.value) body.room_id = f.room_id.input.value;
        if (capacity !== undefined) body.capacity = capacity;
        if (chosen.length) body.member_ids = chosen;
        if (f.ends_on.input.value) body.ends_on = f.ends_on.input.value;
        const saved = await api<Group>('POST', '/groups', body);
        await on.saved(t('groups.created', { name: saved.name }));
      }
    },
  });
}

/** Opens the edit form of a group: its members and version come from GET /groups/{id}. */
export async function editGroupForm(program: Program, groupId: string, on: EditorEvents): Promise<HTMLFormElement> {
  const [ctx, group] = await Promise.all([groupContext(program), api<Group>('GET', `/groups/${enc(groupId)}`)]);
  return groupForm(ctx, group, on);
}

export async function newGroupForm(program: Program, on: EditorEvents): Promise<HTMLFormElement> {
  return groupForm(await groupContext(program), null, on);
}

// ---- rooms ----

/** A new room, or (with `room`) a change to its name or places. */
export function roomForm(on: EditorEvents, room: Room | null = null): HTMLFormElement {
  const f = {
    name: textField(t('rooms.name'), { required: true, autocomplete: 'off', value: room?.name }),
    capacity: numberField(t('rooms.capacity'), room?.capacity, { min: 1, max: 500, required: true, hint: t('rooms.capacity_hint') }),
  };
  return editorForm({
    title: room ? t('rooms.edit_title', { name: room.name }) : t('rooms.add_title'),
    testid: 'room-form',
    submitLabel: room ? t('common.save') : t('rooms.create'),
    content: [h('div', { class: 'form-grid' }, f.name.wrap, f.capacity.wrap)],
    fields: () => f,
    cancel: on.cancel,
    reload: room
      ? async () => {
          const fresh = (await all<Room>('/rooms')).find((r) => r.id === room.id);
          if (!fresh) throw new ApiError(404, { status: 404 });
          return roomForm(on, fresh);
        }
      : undefined,
    submit: async () => {
      const body: Record<string, unknown> = { name: f.name.input.value.trim() };
      const capacity = numberValue(f.capacity.input);
      if (capacity !== undefined) body.capacity = capacity;
      if (room) {
        const saved = await api<Room>('PATCH', `/rooms/${enc(room.id)}`, { ...body, version: room.version });
        await on.saved(t('rooms.updated', { name: saved.name }));
      } else {
        const saved = await api<Room>('POST', '/rooms', body);
        await on.saved(t('rooms.created', { name: saved.name }));
      }
    },
  });
}
