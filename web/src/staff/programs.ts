// Programs: their shape, tracks, groups and (for those who may read them) settings, and the rooms.
// Admins create and edit programs and rooms; admins and the program's clinical directors edit its
// settings and add and edit tracks and groups. The editors load as their own chunk when first opened.
import { h, type Child } from '../dom';
import { ApiError, api, all } from '../api';
import { t, tp } from '../i18n';
import { fmtDate, fmtNumber } from '../format';
import { focusLabel, languageName, populationLabel, tierLabel, weekdaysLabel } from '../labels';
import { forgetPrograms, programsList, staffName, state } from '../state';
import type { Group, Program, ProgramSettings, Room, Track } from '../types';
import { button, clearProblem, dl, loading, notice, pageTitle, section, showProblem, table } from '../ui';
import { crisisList } from '../patient/crisis';
import type { EditorEvents } from './padmin';

const SETTINGS_READERS = new Set(['admin', 'clinical_director']);

/** Admins manage every program; a clinical director the programs they are assigned to (the server decides). */
function managesProgram(p: Program): boolean {
  const role = state.user!.role;
  if (role === 'admin') return true;
  return role === 'clinical_director' && (state.me?.program_ids ?? []).includes(p.id);
}

export async function renderPrograms(root: HTMLElement): Promise<void> {
  const isAdmin = state.user!.role === 'admin';
  const status = h('div', { tabindex: '-1' });
  const topSlot = h('div', { class: 'form-slot' });
  const body = h('div', null, loading());
  let defaultZone: string | undefined;

  /**
   * Opens an editor in `slot` (one at a time), made by the lazily loaded module. On save the
   * screen reads everything again and says what was saved; Cancel and Escape give focus back.
   */
  const openEditor = async (
    slot: HTMLElement,
    opener: HTMLButtonElement,
    make: (events: EditorEvents) => Promise<HTMLElement>,
  ): Promise<void> => {
    clearProblem(status);
    for (const s of root.querySelectorAll<HTMLElement>('.form-slot')) s.replaceChildren();
    for (const b of root.querySelectorAll<HTMLElement>('[aria-expanded="true"]')) b.setAttribute('aria-expanded', 'false');
    opener.setAttribute('aria-expanded', 'true');
    const close = () => {
      slot.replaceChildren();
      opener.setAttribute('aria-expanded', 'false');
    };
    const events: EditorEvents = {
      saved: async (message) => {
        close();
        forgetPrograms();
        await load();
        status.replaceChildren(notice('success', message));
        status.focus();
      },
      cancel: () => {
        close();
        opener.focus();
      },
    };
    slot.replaceChildren(loading());
    try {
      const form = await make(events);
      slot.replaceChildren(form);
      form.querySelector<HTMLElement>('input, select, textarea')?.focus();
    } catch (e) {
      close();
      showProblem(status, e);
      status.focus();
    }
  };
  const editors = () => import('./padmin');

  const newBtn: HTMLButtonElement | null = isAdmin
    ? button(
        t('padmin.new'),
        () => void openEditor(topSlot, newBtn!, async (ev) => (await editors()).programForm(null, ev, { time_zone: defaultZone })),
        { class: 'btn btn-primary', 'aria-expanded': 'false', 'data-testid': 'program-new' },
      )
    : null;
  root.append(pageTitle(t('programs.title'), newBtn), status, topSlot, body);

  async function load(): Promise<void> {
    let programs: Program[];
    let rooms: Room[] = [];
    try {
      [programs, rooms] = await Promise.all([programsList(), all<Room>('/rooms').catch(() => [])]);
      defaultZone = programs[0]?.time_zone;
      // Admins see every program; everyone else the programs they work in.
      const mine = state.me?.program_ids ?? [];
      if (!isAdmin && mine.length) programs = programs.filter((p) => mine.includes(p.id));
    } catch (e) {
      body.replaceChildren();
      showProblem(status, e);
      return;
    }
    const cards: HTMLElement[] = programs.length
      ? await Promise.all(programs.map((p) => programCard(p, rooms, openEditor, editors)))
      : [notice('info', t('programs.none'))];
    cards.push(roomsCard(rooms, isAdmin, openEditor, editors));
    body.replaceChildren(h('div', { class: 'stack-lg' }, cards));
  }
  await load();
}

type Open = (slot: HTMLElement, opener: HTMLButtonElement, make: (events: EditorEvents) => Promise<HTMLElement>) => Promise<void>;
type Editors = () => Promise<typeof import('./padmin')>;

async function programCard(p: Program, rooms: Room[], open: Open, editors: Editors): Promise<HTMLElement> {
  const id = encodeURIComponent(p.id);
  const isAdmin = state.user!.role === 'admin';
  const manages = managesProgram(p);
  const [tracks, groups, settings] = await Promise.all([
    all<Track>(`/programs/${id}/tracks`).catch(() => [] as Track[]),
    all<Group>(`/groups?program_id=${id}`).catch(() => [] as Group[]),
    // Settings are for admins and clinical directors (rules.md); others are not asked.
    SETTINGS_READERS.has(state.user!.role)
      ? api<ProgramSettings>('GET', `/programs/${id}/settings`).catch((e) =>
          e instanceof ApiError && (e.status === 403 || e.status === 404) ? null : Promise.reject(e),
        )
      : null,
  ]);

  const facts = dl([
    [t('programs.focus'), focusLabel(p.focus)],
    [t('programs.population'), populationLabel(p.population)],
    [t('programs.level_of_care'), p.level_of_care],
    [t('programs.schedule'), t('programs.schedule_value', { days: fmtNumber(p.days_per_week), hours: fmtNumber(p.hours_per_day) })],
    [t('programs.min_hours'), p.min_hours_per_week != null ? tp('programs.hours', p.min_hours_per_week) : ''],
    [t('programs.time_zone'), p.time_zone],
    [t('programs.language'), languageName(p.language)],
  ]);

  // One slot per card for its editors, under the part being edited.
  const programSlot = h('div', { class: 'form-slot' });
  const trackSlot = h('div', { class: 'form-slot' });
  const groupSlot = h('div', { class: 'form-slot' });
  const settingsSlot = h('div', { class: 'form-slot' });

  const editProgram: HTMLButtonElement | null = isAdmin
    ? button(t('common.edit'), () => void open(programSlot, editProgram!, async (ev) => (await editors()).programForm(p, ev)), {
        class: 'btn btn-small',
        'aria-expanded': 'false',
        'aria-label': t('padmin.edit_aria', { name: p.name }),
        'data-testid': 'program-edit',
      })
    : null;
  const addTrack: HTMLButtonElement | null = manages
    ? button(t('tracks.add'), () => void open(trackSlot, addTrack!, async (ev) => (await editors()).trackForm(p, ev)), {
        class: 'btn btn-small',
        'aria-expanded': 'false',
        'aria-label': t('tracks.add_aria', { program: p.name }),
      })
    : null;
  const addGroup: HTMLButtonElement | null =
    manages && tracks.length
      ? button(t('groups.add'), () => void open(groupSlot, addGroup!, async (ev) => (await editors()).newGroupForm(p, ev)), {
          class: 'btn btn-small',
          'aria-expanded': 'false',
          'aria-label': t('groups.add_aria', { program: p.name }),
        })
      : null;
  const editSettings: HTMLButtonElement | null =
    settings && manages
      ? button(
          t('settings.edit'),
          () =>
            void open(settingsSlot, editSettings!, async (ev) => {
              const [m, fresh] = await Promise.all([import('./psettings'), api<ProgramSettings>('GET', `/programs/${id}/settings`)]);
              return m.settingsForm(p, fresh, ev);
            }),
          { class: 'btn btn-small', 'aria-expanded': 'false', 'aria-label': t('settings.edit_aria', { program: p.name }) },
        )
      : null;

  const trackName = (tid: string) => tracks.find((x) => x.id === tid)?.name ?? '';
  const roomName = (rid: string | null | undefined) => rooms.find((r) => r.id === rid)?.name ?? '';
  const groupHeaders = [t('programs.col_group'), t('programs.col_track'), t('programs.col_leader'), t('programs.col_co_leader'), t('programs.col_room'), t('programs.col_members')];
  if (manages) groupHeaders.push(t('staff.col_actions'));
  const groupRows = await Promise.all(
    groups.map(async (g) => {
      const row: Child[] = [
        g.name,
        trackName(g.track_id),
        (await staffName(g.leader_id)) ?? '',
        g.co_leader_id ? ((await staffName(g.co_leader_id)) ?? '') : '',
        roomName(g.room_id),
        t('programs.members_value', { n: fmtNumber(g.member_count), capacity: fmtNumber(g.capacity) }),
      ];
      if (manages) {
        const edit: HTMLButtonElement = button(
          t('common.edit'),
          () => void open(groupSlot, edit, async (ev) => (await editors()).editGroupForm(p, g.id, ev)),
          { class: 'btn btn-small', 'aria-expanded': 'false', 'aria-label': t('groups.edit_aria', { name: g.name }) },
        );
        row.push(edit);
      }
      return row;
    }),
  );

  const head = (title: string, action: HTMLElement | null) => h('div', { class: 'sub-head' }, h('h3', null, title), action);
  const parts: Child[] = [
    editProgram ? h('div', { class: 'actions' }, editProgram) : null,
    programSlot,
    facts,
    head(t('programs.tracks'), addTrack),
    trackSlot,
    tracks.length
      ? table(
          t('programs.tracks'),
          [t('programs.col_track'), t('programs.col_days'), t('programs.col_time'), ...(manages ? [t('staff.col_actions')] : [])],
          tracks.map((tr) => {
            // A change dated ahead: what holds until then stays visible beside the new pattern.
            const before = tr.until_then;
            const row: Child[] = [
              tr.name,
              weekdaysLabel(tr.weekdays),
              h(
                'div',
                null,
                `${tr.start}–${tr.end}`,
                before
                  ? h(
                      'div',
                      { class: 'muted small', 'data-testid': 'track-until-then' },
                      t('tracks.until_then', { date: fmtDate(before.through), days: weekdaysLabel(before.weekdays), time: `${before.start}–${before.end}` }),
                    )
                  : null,
              ),
            ];
            if (manages) {
              const edit: HTMLButtonElement = button(
                t('common.edit'),
                () => void open(trackSlot, edit, async (ev) => (await editors()).trackForm(p, ev, tr)),
                { class: 'btn btn-small', 'aria-expanded': 'false', 'aria-label': t('tracks.edit_aria', { name: tr.name }) },
              );
              row.push(edit);
            }
            return row;
          }),
          { 'data-testid': 'tracks-table' },
        )
      : h('p', { class: 'muted' }, t('programs.no_tracks')),
    head(t('programs.groups'), addGroup),
    manages && !tracks.length ? h('p', { class: 'hint' }, t('groups.needs_track')) : null,
    groupSlot,
    groups.length ? table(t('programs.groups'), groupHeaders, groupRows, { 'data-testid': 'groups-table' }) : h('p', { class: 'muted' }, t('programs.no_groups')),
  ];
  if (settings) {
    const d = settings.ack_deadlines_minutes ?? {};
    const closures = settings.closures ?? [];
    const hooks = settings.webhooks ?? [];
    parts.push(
      head(t('programs.settings'), editSettings),
      settingsSlot,
      dl([
        [t('programs.checkin_cutoff'), settings.measurement_schedule?.checkin_cutoff ?? ''],
        [
          t('programs.ack_deadlines'),
          h(
            'ul',
            { class: 'plain' },
            d.imminent != null ? h('li', null, t('programs.ack_imminent', { m: fmtNumber(d.imminent) })) : null,
            d.high != null ? h('li', null, t('programs.ack_high', { m: fmtNumber(d.high) })) : null,
            d.warning != null ? h('li', null, t('programs.ack_warning', { m: fmtNumber(d.warning) })) : null,
          ),
        ],
        [t('programs.escalation'), (settings.escalation_chain ?? []).map(tierLabel).join(' \u2192 ')],
        [t('programs.cosignature'), settings.cosignature_required ? t('common.yes') : t('common.no')],
        [
          t('settings.closures'),
          closures.length
            ? h('ul', { class: 'plain', 'data-testid': 'closures' }, closures.map((c) => h('li', null, fmtDate(c.date), c.reason ? ` \u2014 ${c.reason}` : '')))
            : h('span', { class: 'muted' }, t('settings.no_closures')),
        ],
        [
          t('settings.webhooks'),
          hooks.length
            ? h(
                'ul',
                { class: 'plain', 'data-testid': 'webhooks' },
                hooks.map((w) => h('li', null, h('span', { class: 'break' }, w.url), ' ', w.secret_set ? h('span', { class: 'tag tag-ok' }, t('settings.secret_set')) : null)),
              )
            : h('span', { class: 'muted' }, t('settings.no_webhooks')),
        ],
      ]),
      h('h3', null, t('programs.crisis_resources')),
      settings.crisis_resources.length ? crisisList(settings.crisis_resources, true) : h('p', { class: 'muted' }, t('programs.no_crisis_resources')),
    );
  }
  const card = section(p.name, ...parts);
  card.dataset.testid = 'program-card';
  return card;
}

function roomsCard(rooms: Room[], isAdmin: boolean, open: Open, editors: Editors): HTMLElement {
  const slot = h('div', { class: 'form-slot' });
  const add: HTMLButtonElement | null = isAdmin
    ? button(t('rooms.add'), () => void open(slot, add!, async (ev) => (await editors()).roomForm(ev)), {
        class: 'btn btn-small',
        'aria-expanded': 'false',
      })
    : null;
  const card = section(
    t('rooms.title'),
    add ? h('div', { class: 'actions' }, add) : null,
    slot,
    rooms.length
      ? table(
          t('rooms.title'),
          [t('rooms.name'), t('rooms.capacity'), ...(isAdmin ? [t('staff.col_actions')] : [])],
          rooms.map((r) => {
            const row: Child[] = [r.name, fmtNumber(r.capacity)];
            if (isAdmin) {
              const edit: HTMLButtonElement = button(
                t('common.edit'),
                () => void open(slot, edit, async (ev) => (await editors()).roomForm(ev, r)),
                { class: 'btn btn-small', 'aria-expanded': 'false', 'aria-label': t('rooms.edit_aria', { name: r.name }) },
              );
              row.push(edit);
            }
            return row;
          }),
          { 'data-testid': 'rooms-table' },
        )
      : h('p', { class: 'muted' }, t('rooms.none')),
  );
  card.dataset.testid = 'rooms-card';
  return card;
}
