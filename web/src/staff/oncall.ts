// The on-call roster of a program: gaps and warnings first and prominent (an alert raised in a gap
// skips that tier), then who is on call now, then every entry, in the clinic's time zone.
import { h } from '../dom';
import { api } from '../api';
import { t } from '../i18n';
import { fmtDateTime, fmtRange } from '../format';
import { TIER_ORDER, rosterWarning, tierLabel } from '../labels';
import { programsList, state } from '../state';
import type { OnCall, Program } from '../types';
import { dl, loading, notice, pageTitle, section, selectField, showProblem, table } from '../ui';
import { refreshRosterBanner } from './shell';

export async function renderOnCall(root: HTMLElement): Promise<void> {
  const body = h('div', null, loading());
  const head = h('div');
  root.append(pageTitle(t('oncall.title')), head, body);
  let programs: Program[];
  try {
    programs = await programsList();
    const mine = state.me?.program_ids ?? [];
    if (state.user!.role !== 'admin' && mine.length) programs = programs.filter((p) => mine.includes(p.id));
  } catch (e) {
    body.replaceChildren();
    showProblem(head, e);
    return;
  }
  if (!programs.length) {
    body.replaceChildren(notice('info', t('programs.none')));
    return;
  }
  if (!state.selectedProgramId || !programs.some((p) => p.id === state.selectedProgramId)) {
    state.selectedProgramId = programs[0].id;
  }
  if (programs.length > 1) {
    const sel = selectField(
      t('oncall.program'),
      programs.map((p) => ({ value: p.id, label: p.name })),
      state.selectedProgramId,
      {
        onchange: (e: Event) => {
          state.selectedProgramId = (e.target as HTMLSelectElement).value;
          void load();
        },
      },
    );
    head.append(h('div', { class: 'filter-bar' }, sel.wrap));
  }

  async function load(): Promise<void> {
    body.replaceChildren(loading());
    const program = programs.find((p) => p.id === state.selectedProgramId)!;
    try {
      const r = await api<OnCall>('GET', `/programs/${encodeURIComponent(program.id)}/on-call`);
      body.replaceChildren(...roster(r, program));
      // The banner follows what this screen has just read.
      void refreshRosterBanner();
    } catch (e) {
      body.replaceChildren();
      showProblem(head, e);
    }
  }
  await load();
}

function roster(r: OnCall, program: Program): HTMLElement[] {
  const tz = r.time_zone;
  const now = Date.now();
  const out: HTMLElement[] = [];

  const names = new Map(r.entries.map((e) => [e.staff_id, e.display_name]));
  const listed = (ws: OnCall['warnings']) =>
    h(
      'ul',
      { class: 'banner-list' },
      ws.map((w) => {
        const m = rosterWarning(w, names);
        return h('li', { lang: m.lang }, m.text);
      }),
    );
  // Reaching people (rules.md ⚑) stands apart from coverage: a full roster may still be told
  // only inside Pomost.
  const channel = r.warnings.filter((w) => w.code === 'no_out_of_browser_channel' || w.code === 'no_channel');
  const coverage = r.warnings.filter((w) => !channel.includes(w));
  if (channel.length) {
    out.push(
      h(
        'section',
        { class: 'banner banner-warning', 'aria-labelledby': 'channel-title', 'data-testid': 'channel-warnings' },
        h('h2', { id: 'channel-title' }, h('span', { 'aria-hidden': 'true', class: 'warn-icon' }, '!'), ' ', t('banner.browser_only_title')),
        listed(channel),
      ),
    );
  }
  if (r.gaps.length || coverage.length) {
    out.push(
      h(
        'section',
        { class: 'banner banner-warning', 'aria-labelledby': 'coverage-title', 'data-testid': 'coverage-warnings' },
        h('h2', { id: 'coverage-title' }, h('span', { 'aria-hidden': 'true', class: 'warn-icon' }, '!'), ' ', t('oncall.coverage_title', { program: program.name })),
        coverage.length ? listed(coverage) : null,
        r.gaps.length
          ? table(
              t('oncall.gaps'),
              [t('oncall.col_tier'), t('oncall.col_uncovered')],
              r.gaps.map((g) => [tierLabel(g.tier), fmtRange(g.starts, g.ends, tz)]),
              { 'data-testid': 'gaps-table' },
            )
          : null,
      ),
    );
  } else {
    out.push(notice('success', t('oncall.covered')));
  }

  const current = (tier: string) =>
    r.entries.filter((e) => e.tier === tier && Date.parse(e.starts) <= now && now < Date.parse(e.ends));
  out.push(
    section(
      t('oncall.now'),
      dl(
        TIER_ORDER.map((tier) => {
          const c = current(tier);
          return [
            tierLabel(tier),
            c.length
              ? c.map((e) => h('span', { class: 'oncall-now' }, e.display_name, h('span', { class: 'muted' }, ' ', t('oncall.until', { time: fmtDateTime(e.ends, tz) }))))
              : h('span', { class: 'tag tag-warn' }, t('oncall.nobody')),
          ];
        }),
      ),
      h('p', { class: 'muted small' }, t('oncall.time_zone_note', { tz })),
    ),
  );

  const entries = [...r.entries].sort(
    (a, b) => Date.parse(a.starts) - Date.parse(b.starts) || TIER_ORDER.indexOf(a.tier) - TIER_ORDER.indexOf(b.tier),
  );
  out.push(
    section(
      t('oncall.entries'),
      entries.length
        ? table(
            t('oncall.entries'),
            [t('oncall.col_tier'), t('oncall.col_staff'), t('oncall.col_period')],
            entries.map((e) => {
              const isNow = Date.parse(e.starts) <= now && now < Date.parse(e.ends);
              return [
                tierLabel(e.tier),
                [e.display_name, isNow ? h('span', { class: 'tag tag-ok' }, t('oncall.now_tag')) : null],
                fmtRange(e.starts, e.ends, tz),
              ];
            }),
            { 'data-testid': 'oncall-table' },
          )
        : notice('warning', t('oncall.empty')),
    ),
  );
  return out;
}
