// Programs: their shape, tracks, groups and (for those who may read them) settings.
import { h, type Child } from '../dom';
import { ApiError, api, all } from '../api';
import { t, tp } from '../i18n';
import { fmtNumber } from '../format';
import { focusLabel, languageName, populationLabel, tierLabel, weekdaysLabel } from '../labels';
import { programsList, staffName, state } from '../state';
import type { Group, Program, ProgramSettings, Room, Track } from '../types';
import { dl, loading, notice, pageTitle, section, showProblem, table } from '../ui';
import { crisisList } from '../patient/crisis';

const SETTINGS_READERS = new Set(['admin', 'clinical_director']);

export async function renderPrograms(root: HTMLElement): Promise<void> {
  const body = h('div', null, loading());
  root.append(pageTitle(t('programs.title')), body);
  let programs: Program[];
  let rooms: Room[] = [];
  try {
    [programs, rooms] = await Promise.all([programsList(), all<Room>('/rooms').catch(() => [])]);
    // Admins see every program; everyone else the programs they work in.
    const mine = state.me?.program_ids ?? [];
    if (state.user!.role !== 'admin' && mine.length) programs = programs.filter((p) => mine.includes(p.id));
  } catch (e) {
    const problems = h('div', { tabindex: '-1' });
    body.replaceChildren(problems);
    showProblem(problems, e);
    return;
  }
  if (programs.length === 0) {
    body.replaceChildren(notice('info', t('programs.none')));
    return;
  }
  const cards = await Promise.all(programs.map((p) => programCard(p, rooms)));
  body.replaceChildren(h('div', { class: 'stack-lg' }, cards));
}

async function programCard(p: Program, rooms: Room[]): Promise<HTMLElement> {
  const id = encodeURIComponent(p.id);
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

  const trackName = (tid: string) => tracks.find((x) => x.id === tid)?.name ?? '';
  const roomName = (rid: string | null | undefined) => rooms.find((r) => r.id === rid)?.name ?? '';
  const groupRows = await Promise.all(
    groups.map(async (g) => [
      g.name,
      trackName(g.track_id),
      (await staffName(g.leader_id)) ?? '',
      g.co_leader_id ? ((await staffName(g.co_leader_id)) ?? '') : '',
      roomName(g.room_id),
      t('programs.members_value', { n: fmtNumber(g.member_count), capacity: fmtNumber(g.capacity) }),
    ]),
  );

  const parts: Child[] = [
    facts,
    h('h3', null, t('programs.tracks')),
    tracks.length
      ? table(
          t('programs.tracks'),
          [t('programs.col_track'), t('programs.col_days'), t('programs.col_time')],
          tracks.map((tr) => [tr.name, weekdaysLabel(tr.weekdays), `${tr.start}–${tr.end}`]),
        )
      : h('p', { class: 'muted' }, t('programs.no_tracks')),
    h('h3', null, t('programs.groups')),
    groups.length
      ? table(
          t('programs.groups'),
          [t('programs.col_group'), t('programs.col_track'), t('programs.col_leader'), t('programs.col_co_leader'), t('programs.col_room'), t('programs.col_members')],
          groupRows,
        )
      : h('p', { class: 'muted' }, t('programs.no_groups')),
  ];
  if (settings) {
    const d = settings.ack_deadlines_minutes ?? {};
    parts.push(
      h('h3', null, t('programs.settings')),
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
      ]),
      h('h3', null, t('programs.crisis_resources')),
      settings.crisis_resources.length ? crisisList(settings.crisis_resources, true) : h('p', { class: 'muted' }, t('programs.no_crisis_resources')),
    );
  }
  return section(p.name, ...parts);
}
