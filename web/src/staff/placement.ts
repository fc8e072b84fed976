// Placement proposal for a program (clinical director): the server's min-cost flow places every
// patient it can in a track that fits their unavailable hours, moving as few as possible. The
// screen shows who goes where, who moves (from which group), who cannot be placed and why, and
// that the answer is optimal. A proposal only: nothing is applied. Own chunk.
import { h } from '../dom';
import { all, api } from '../api';
import { t, tp } from '../i18n';
import { fmtNumber } from '../format';
import type { CensusRow, Program } from '../types';
import { busy, loading, notice, pageTitle, section, selectField, showProblem, table, textField } from '../ui';
import { fullName, myPrograms } from './common';
import type { Group, Track } from '../ops';
import '../ops';

interface Placement {
  program_id: string;
  assignments: { patient_id: string; track_id: string; group_id: string; moved: boolean }[];
  unplaced: { patient_id: string; reason: string; best_weekly_minutes: number; needed_weekly_minutes?: number }[];
  objective: { placed: number; moved: number; cost: number };
  optimal: boolean;
  solver?: string;
}

const view = { programId: '' };

export async function renderPlacement(root: HTMLElement): Promise<void> {
  const problems = h('div', { tabindex: '-1' });
  root.append(pageTitle(t('placement.title'), h('p', { class: 'subtitle' }, t('placement.subtitle'))), problems);
  let programs: Program[];
  try {
    programs = await myPrograms();
  } catch (e) {
    showProblem(problems, e);
    return;
  }
  if (!programs.some((p) => p.id === view.programId)) view.programId = programs[0]?.id ?? '';
  const program = selectField(
    t('placement.program'),
    programs.map((p) => ({ value: p.id, label: p.name })),
    view.programId,
    { 'data-testid': 'placement-program', onchange: (e: Event) => (view.programId = (e.target as HTMLSelectElement).value) },
  );
  const other = textField(t('placement.other_minutes'), { type: 'number', min: 0, max: 600, value: '90', hint: t('placement.other_hint'), inputmode: 'numeric' });
  const status = h('div', { tabindex: '-1' });
  const result = h('div', { class: 'stack-lg', 'data-testid': 'placement-result' });
  const go = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'propose' }, t('placement.propose'));
  root.append(
    h(
      'form',
      {
        class: 'card stack',
        novalidate: true,
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          status.replaceChildren();
          result.replaceChildren(loading());
          const id = view.programId;
          try {
            const minutes = other.input.value.trim();
            const [p, census, groups, tracks] = await busy(go, () =>
              Promise.all([
                api<Placement>('POST', `/programs/${encodeURIComponent(id)}/placement`, minutes === '' ? {} : { other_services_minutes: Number(minutes) }),
                api<{ items: CensusRow[] }>('GET', `/census?program_id=${encodeURIComponent(id)}`).then((c) => c.items),
                all<Group>(`/groups?program_id=${encodeURIComponent(id)}`).then((gs) =>
                  Promise.all(gs.map((g) => api<Group>('GET', `/groups/${encodeURIComponent(g.id)}`).catch(() => g))),
                ),
                all<Track>(`/programs/${encodeURIComponent(id)}/tracks`),
              ]),
            );
            drawResult(result, p, census, groups, tracks, programs.find((x) => x.id === id)!);
            result.querySelector<HTMLElement>('h2')?.focus();
          } catch (e) {
            result.replaceChildren();
            showProblem(status, e, { other_services_minutes: other });
          }
        },
      },
      h('div', { class: 'form-grid' }, program.wrap, other.wrap),
      status,
      h('div', { class: 'actions' }, go),
    ),
    result,
  );
}

function drawResult(box: HTMLElement, p: Placement, census: CensusRow[], groups: Group[], tracks: Track[], program: Program): void {
  const name = (id: string) => {
    const r = census.find((c) => c.patient_id === id);
    return r ? fullName(r) : t('placement.patient_hidden');
  };
  const groupName = (id: string | undefined) => groups.find((g) => g.id === id)?.name ?? '';
  const trackName = (id: string) => tracks.find((x) => x.id === id)?.name ?? '';
  const current = (pid: string) => groups.find((g) => g.member_ids?.includes(pid));
  const byName = <T extends { patient_id: string }>(list: T[]) => [...list].sort((a, b) => name(a.patient_id).localeCompare(name(b.patient_id)));
  const moves = p.assignments.filter((a) => a.moved);
  const minimum = Math.round((program.min_hours_per_week ?? 0) * 60);

  const summary = section(
    t('placement.summary'),
    h(
      'p',
      { class: 'optimal', 'data-testid': 'placement-optimal' },
      p.optimal ? t('placement.optimal') : t('placement.not_optimal'),
    ),
    h(
      'ul',
      { class: 'plain' },
      h('li', { 'data-testid': 'placed-count' }, tp('placement.placed', p.objective.placed)),
      h('li', null, tp('placement.moved', p.objective.moved)),
      h('li', null, tp('placement.unplaced', p.unplaced.length)),
    ),
    h('p', { class: 'muted small' }, t('placement.explain')),
    p.solver ? h('p', { class: 'muted small', lang: 'en' }, p.solver) : null,
  );

  const assignments = section(
    t('placement.assignments'),
    table(
      t('placement.assignments'),
      [t('placement.col_patient'), t('placement.col_track'), t('placement.col_group'), t('placement.col_change')],
      byName(p.assignments).map((a) => [
        name(a.patient_id),
        trackName(a.track_id),
        groupName(a.group_id),
        a.moved
          ? h('span', { class: 'tag tag-warn' }, t('placement.moves_from', { group: groupName(current(a.patient_id)?.id) || t('placement.no_group') }))
          : current(a.patient_id)
            ? t('placement.stays')
            : h('span', { class: 'tag' }, t('placement.new_place')),
      ]),
      { 'data-testid': 'assignments-table' },
    ),
  );
  // Moved rows are marked for the eye too.
  const rows = assignments.querySelectorAll('tbody tr');
  byName(p.assignments).forEach((a, i) => {
    if (a.moved) rows[i]?.classList.add('moved');
  });

  const unplaced = section(
    t('placement.unplaced_title'),
    p.unplaced.length
      ? table(
          t('placement.unplaced_title'),
          [t('placement.col_patient'), t('placement.col_reason'), t('placement.col_best')],
          byName(p.unplaced).map((u) => [
            name(u.patient_id),
            u.reason === 'no_fitting_track'
              ? t('placement.reason_no_fitting_track')
              : u.reason === 'fitting_groups_full'
                ? t('placement.reason_fitting_groups_full')
                : u.reason,
            t('placement.best_minutes', {
              best: fmtNumber(u.best_weekly_minutes),
              needed: fmtNumber(u.needed_weekly_minutes ?? minimum),
            }),
          ]),
          { 'data-testid': 'unplaced-table' },
        )
      : h('p', null, t('placement.all_placed')),
  );
  box.replaceChildren(
    h('h2', { tabindex: '-1', class: 'visually-hidden' }, t('placement.result')),
    summary,
    moves.length ? notice('warning', tp('placement.moves_note', moves.length)) : '',
    unplaced,
    assignments,
    h('p', { class: 'muted' }, t('placement.not_applied')),
  );
}
