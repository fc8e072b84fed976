// The chart's monitoring part, loaded on demand (a separate chunk): PHQ-9, GAD-7 and craving over
// the episode as inline SVG with severity bands and reliable-change markers (rules.md: PHQ-9 ±6,
// GAD-7 ±4 from the episode's first score), each with a summary sentence and a table as its text
// alternative; then the timeline of check-ins (with the reasons for their risk level), measures,
// alerts, crises, notes and attendance.
import { h, mount, svg, uid, type Child } from '../dom';
import { ApiError, all, api } from '../api';
import { locale, t, tp, type Key } from '../i18n';
import { fmtDate, fmtNumber, fmtShortDateTime, fmtTime, localDay } from '../format';
import { alertStatusLabel, crisisActionLabel, dispositionLabel, instrumentName, measureSeverityLabel } from '../labels';
import type { Alert, Assessment, CheckinRecord, Crisis, Episode, Page } from '../types';
import { serverNow, state } from '../state';
import { noteKindLabel, type Note } from './notes';
import { notice, problemText, section, table } from '../ui';
import { alertLink, crisisLink, riskTag, severityTag } from './common';

interface Point {
  at: number;
  v: number;
}

interface ChartSpec {
  key: string;
  title: string;
  max: number;
  /** Upper bounds of the bands, with their severity codes. */
  bands?: { to: number; code: string }[];
  /** Reliable change from the first score. */
  rc?: number;
  points: Point[];
}

const PHQ9_BANDS = [
  { to: 4, code: 'minimal' },
  { to: 9, code: 'mild' },
  { to: 14, code: 'moderate' },
  { to: 19, code: 'moderately_severe' },
  { to: 27, code: 'severe' },
];
const GAD7_BANDS = [
  { to: 4, code: 'minimal' },
  { to: 9, code: 'mild' },
  { to: 14, code: 'moderate' },
  { to: 21, code: 'severe' },
];

async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return null;
    throw e;
  }
}

export async function renderProgress(box: HTMLElement, patientId: string, episode: Episode | null, tz: string | undefined): Promise<void> {
  const q = encodeURIComponent(patientId);
  let checkins: CheckinRecord[] | null;
  let assessments: Assessment[] | null;
  let alerts: Alert[] | null;
  let crises: Crisis[] | null;
  let notes: Note[] | null;
  let attendance: Attended[] | null;
  try {
    [checkins, assessments, alerts, crises, notes, attendance] = await Promise.all([
      // A discharged patient's former care team reads the chart, not the monitoring (rules.md).
      episode ? optional(all<CheckinRecord>(`/patients/${q}/checkins`)) : null,
      // Program staff see risk levels, not scores (rules.md): not asked.
      state.user?.role === 'program_staff' ? null : optional(all<Assessment>(`/patients/${q}/assessments`)),
      optional(all<Alert>(`/alerts?status=all&patient_id=${q}`)),
      optional(all<Crisis>(`/crises?status=all&patient_id=${q}`)),
      optional(api<{ items: Note[] }>('GET', `/patients/${q}/notes`).then((r) => r.items)),
      episode ? optional(attendanceOf(patientId, episode.admitted_on, tz)) : null,
    ]);
  } catch (e) {
    box.replaceChildren(notice('error', problemText(e)));
    return;
  }
  if (!checkins && !assessments && !alerts && !crises && !notes?.length && !attendance?.length) {
    box.replaceChildren();
    return;
  }
  // The episode's scores: from its admission day on (the first of them is the baseline).
  const since = episode?.admitted_on ?? '';
  const inEpisode = (ts: string) => !since || localDay(ts, tz) >= since;
  const scores = (id: string): Point[] =>
    (assessments ?? [])
      .filter((a) => a.instrument === id && typeof a.total === 'number' && inEpisode(a.submitted_at))
      .map((a) => ({ at: Date.parse(a.submitted_at), v: a.total as number }))
      .sort((a, b) => a.at - b.at);
  const craving = (checkins ?? [])
    .filter((c) => typeof c.answers.craving === 'number' && inEpisode(c.submitted_at))
    .map((c) => ({ at: Date.parse(c.submitted_at), v: c.answers.craving as number }))
    .sort((a, b) => a.at - b.at);

  const charts: ChartSpec[] = [];
  if (assessments) {
    charts.push({ key: 'phq9', title: t('progress.phq9'), max: 27, bands: PHQ9_BANDS, rc: 6, points: scores('phq9') });
    charts.push({ key: 'gad7', title: t('progress.gad7'), max: 21, bands: GAD7_BANDS, rc: 4, points: scores('gad7') });
  }
  if (checkins && (craving.length || (checkins ?? []).some((c) => 'craving' in c.answers))) {
    charts.push({ key: 'craving', title: t('progress.craving'), max: 10, points: craving });
  }

  const out: Child[] = [];
  if (charts.length) {
    out.push(
      section(
        t('progress.title'),
        h('p', { class: 'muted small' }, since ? t('progress.since', { date: fmtDate(since) }) : ''),
        h('div', { class: 'charts' }, charts.map((c) => chartFigure(c, tz))),
      ),
    );
  }
  out.push(section(t('timeline.title'), timeline(checkins ?? [], assessments ?? [], alerts ?? [], crises ?? [], notes ?? [], attendance ?? [], tz)));
  mount(box, out);
}

// ---- charts ----

const W = 640;
const H = 230;
const M = { top: 12, right: 178, bottom: 30, left: 34 };

function chartFigure(c: ChartSpec, tz: string | undefined): HTMLElement {
  const titleId = uid('ct');
  const descId = uid('cd');
  const summary = summarize(c, tz);
  if (!c.points.length) {
    return h(
      'figure',
      { class: 'chart', 'data-testid': `chart-${c.key}` },
      h('figcaption', null, h('strong', null, c.title), h('span', { class: 'muted block' }, summary)),
    );
  }
  const legend: Child[] = [];
  if (c.rc) {
    legend.push(
      h('span', { class: 'legend-item' }, h('span', { class: 'legend-worse', 'aria-hidden': 'true' }, '\u25B2'), ' ', t('progress.legend_worse', { n: c.rc })),
      h('span', { class: 'legend-item' }, h('span', { class: 'legend-better', 'aria-hidden': 'true' }, '\u25BC'), ' ', t('progress.legend_better', { n: c.rc })),
    );
  }
  return h(
    'figure',
    { class: 'chart', 'data-testid': `chart-${c.key}` },
    h('figcaption', null, h('strong', { id: titleId }, c.title), ' ', h('span', { id: descId, class: 'chart-summary' }, summary)),
    drawSvg(c, titleId, descId, tz),
    legend.length ? h('p', { class: 'legend small' }, legend) : null,
    h('details', { class: 'chart-data' }, h('summary', null, t('progress.show_table')), dataTable(c, tz)),
  );
}

function drawSvg(c: ChartSpec, titleId: string, descId: string, tz: string | undefined): SVGElement {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const t0 = c.points[0].at;
  const t1 = c.points[c.points.length - 1].at;
  const span = Math.max(t1 - t0, 1);
  const x = (at: number) => (c.points.length === 1 ? M.left + pw / 2 : M.left + 12 + ((at - t0) / span) * (pw - 24));
  const y = (v: number) => M.top + ph - (v / c.max) * ph;
  const parts: SVGElement[] = [];

  // Severity bands, labelled on the right.
  if (c.bands) {
    let from = 0;
    c.bands.forEach((b, i) => {
      const top = y(b.to + (i === c.bands!.length - 1 ? 0 : 1));
      const bottom = y(from);
      parts.push(svg('rect', { x: M.left, y: top, width: pw, height: bottom - top, class: `band band-${i}` }));
      parts.push(
        svg('text', { x: M.left + pw + 6, y: (top + bottom) / 2 + 4, class: 'band-label' }, `${measureSeverityLabel(b.code).text} ${from}–${b.to}`),
      );
      from = b.to + 1;
    });
  } else {
    parts.push(svg('rect', { x: M.left, y: M.top, width: pw, height: ph, class: 'band band-plain' }));
  }
  // Y axis: band boundaries (or 0, 5, 10).
  const ticks = c.bands ? [0, ...c.bands.map((b) => b.to + 1).slice(0, -1), c.max] : [0, 5, 10];
  for (const v of ticks) {
    parts.push(svg('line', { x1: M.left - 4, x2: M.left, y1: y(v), y2: y(v), class: 'axis' }));
    parts.push(svg('text', { x: M.left - 7, y: y(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmtNumber(v)));
  }
  parts.push(svg('line', { x1: M.left, x2: M.left, y1: M.top, y2: M.top + ph, class: 'axis' }));
  parts.push(svg('line', { x1: M.left, x2: M.left + pw, y1: M.top + ph, y2: M.top + ph, class: 'axis' }));

  // Reliable change from the first score: dashed lines at first ± rc.
  const first = c.points[0].v;
  if (c.rc) {
    for (const sign of [1, -1]) {
      const v = first + sign * c.rc;
      if (v < 0 || v > c.max) continue;
      parts.push(svg('line', { x1: M.left, x2: M.left + pw, y1: y(v), y2: y(v), class: 'rc-line' }));
      parts.push(svg('text', { x: M.left + 4, y: y(v) - 3, class: 'rc-label' }, `${sign > 0 ? '+' : '\u2212'}${c.rc}`));
    }
  }

  // X axis labels: every point when few, else about six.
  const step = Math.max(1, Math.ceil(c.points.length / 6));
  c.points.forEach((p, i) => {
    if (i % step !== 0 && i !== c.points.length - 1) return;
    parts.push(svg('text', { x: x(p.at), y: H - 8, class: 'tick', 'text-anchor': 'middle' }, shortDate(p.at, tz)));
  });

  // The line and its points; reliable changes marked with triangles.
  parts.push(svg('polyline', { points: c.points.map((p) => `${x(p.at)},${y(p.v)}`).join(' '), class: 'series' }));
  c.points.forEach((p, i) => {
    const d = p.v - first;
    const label = `${fmtShortDateTime(new Date(p.at).toISOString(), tz)}: ${fmtNumber(p.v)}`;
    if (c.rc && i > 0 && Math.abs(d) >= c.rc) {
      const up = d > 0;
      const cx = x(p.at);
      const cy = y(p.v);
      const path = up ? `M${cx},${cy - 8} L${cx + 7},${cy + 5} L${cx - 7},${cy + 5} Z` : `M${cx},${cy + 8} L${cx + 7},${cy - 5} L${cx - 7},${cy - 5} Z`;
      parts.push(svg('path', { d: path, class: up ? 'rc-worse' : 'rc-better' }, svg('title', null, label)));
    } else {
      parts.push(svg('circle', { cx: x(p.at), cy: y(p.v), r: 4.5, class: 'point' }, svg('title', null, label)));
    }
  });

  return svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart-svg', preserveAspectRatio: 'xMidYMid meet' },
    ...parts,
  );
}

function shortDate(at: number, tz: string | undefined): string {
  return new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: tz }).format(new Date(at));
}

function bandOf(c: ChartSpec, v: number): string {
  const b = c.bands?.find((x) => v <= x.to);
  return b ? measureSeverityLabel(b.code).text : '';
}

function withBand(c: ChartSpec, v: number): string {
  const b = bandOf(c, v);
  return b ? `${fmtNumber(v)} (${b})` : fmtNumber(v);
}

/** The chart in one or two sentences: its text alternative, also shown under the title. */
function summarize(c: ChartSpec, tz: string | undefined): string {
  const n = c.points.length;
  if (!n) return t('progress.no_data');
  const day = (at: number) => fmtShortDateTime(new Date(at).toISOString(), tz);
  const first = c.points[0];
  const last = c.points[n - 1];
  if (n === 1) return t('progress.one_value', { value: withBand(c, first.v), when: day(first.at) });
  let s = tp('progress.values', n, { first: withBand(c, first.v), last: withBand(c, last.v), from: day(first.at), to: day(last.at) });
  if (c.rc) {
    const d = last.v - first.v;
    s += ' ' + (d >= c.rc ? t('progress.rc_worse', { d: `+${fmtNumber(d)}` }) : d <= -c.rc ? t('progress.rc_better', { d: fmtNumber(d) }) : t('progress.rc_none'));
  } else {
    const max = c.points.reduce((m, p) => (p.v > m.v ? p : m), first);
    s += ' ' + t('progress.highest', { value: fmtNumber(max.v), when: day(max.at) });
  }
  return s;
}

function dataTable(c: ChartSpec, tz: string | undefined): HTMLElement {
  const first = c.points[0]?.v ?? 0;
  const headers = [t('progress.col_when'), t('progress.col_value')];
  if (c.bands) headers.push(t('progress.col_band'));
  if (c.rc) headers.push(t('progress.col_change'));
  return table(
    c.title,
    headers,
    c.points.map((p, i) => {
      const row: Child[] = [fmtShortDateTime(new Date(p.at).toISOString(), tz), fmtNumber(p.v)];
      if (c.bands) row.push(bandOf(c, p.v));
      if (c.rc) {
        const d = p.v - first;
        row.push(i === 0 ? t('progress.first') : `${d > 0 ? '+' : ''}${fmtNumber(d)}${Math.abs(d) >= c.rc ? ` · ${d > 0 ? t('progress.reliable_worse') : t('progress.reliable_better')}` : ''}`);
      }
      return row;
    }),
  );
}

// ---- timeline ----

interface Entry {
  at: string;
  node: Child;
}

const ANSWER_KEYS: [string, Key][] = [
  ['mood', 'timeline.mood'],
  ['anxiety', 'timeline.anxiety'],
  ['craving', 'timeline.craving'],
];

function checkinLine(c: CheckinRecord): Child {
  const parts: string[] = [];
  for (const [k, key] of ANSWER_KEYS) if (typeof c.answers[k] === 'number') parts.push(t(key, { v: fmtNumber(c.answers[k] as number) }));
  if (typeof c.answers.sleep_hours === 'number') parts.push(t('timeline.sleep', { v: fmtNumber(c.answers.sleep_hours) }));
  const flags: Child[] = [];
  if (c.answers.self_harm_thoughts === 1) flags.push(h('span', { class: 'tag tag-crisis' }, t('timeline.self_harm')));
  if (c.answers.self_harm_intent === 1) flags.push(h('span', { class: 'tag tag-crisis' }, t('timeline.self_harm_intent')));
  if (c.answers.used === 1) flags.push(h('span', { class: 'tag tag-warn' }, t('timeline.used')));
  return [
    h('strong', null, t('timeline.checkin')),
    ' ',
    riskTag(c.risk.level),
    ' ',
    flags.flatMap((f) => [f, ' ']),
    h('span', { class: 'muted' }, parts.join(' · ')),
    c.on_behalf ? h('span', { class: 'muted small' }, ` (${t('timeline.on_behalf')})`) : null,
    c.risk.reasons?.length
      ? h(
          'ul',
          { class: 'reasons tl-reasons', 'data-testid': 'checkin-reasons', 'aria-label': t('timeline.reasons') },
          c.risk.reasons.map((r) => h('li', null, riskTag(r.level), ' ', r.text)),
        )
      : null,
  ];
}

function timeline(
  checkins: CheckinRecord[],
  assessments: Assessment[],
  alerts: Alert[],
  crises: Crisis[],
  notes: Note[],
  attendance: Attended[],
  tz: string | undefined,
): HTMLElement {
  const entries: Entry[] = [];
  for (const n of notes) {
    const first = Object.values(n.content).find((v) => typeof v === 'string' && v.trim()) ?? '';
    entries.push({
      at: n.occurred_at,
      node: [
        h('strong', null, noteKindLabel(n.kind)),
        ' ',
        h('span', { class: `tag ${n.status === 'signed' ? 'tag-ok' : 'tag-warn'}` }, n.status === 'signed' ? t('notes.signed') : t('notes.draft')),
        n.late ? [' ', h('span', { class: 'tag tag-late' }, t('notes.late'))] : null,
        first ? h('span', { class: 'muted block tl-excerpt' }, first.length > 140 ? `${first.slice(0, 140)}…` : first) : null,
      ],
    });
  }
  for (const a of attendance) {
    entries.push({
      at: a.starts,
      node: [
        h('strong', null, sessionKindLabel(a.kind)),
        a.title ? h('span', null, ` · ${a.title}`) : '',
        ' ',
        h('span', { class: `tag ${a.status.startsWith('absent') ? 'tag-warn' : 'tag-ok'}` }, attendanceLabel(a.status)),
        a.minutes ? h('span', { class: 'muted' }, ` ${t('record.minutes', { n: fmtNumber(a.minutes) })}`) : '',
      ],
    });
  }
  for (const c of checkins) entries.push({ at: c.submitted_at, node: checkinLine(c) });
  for (const a of assessments) {
    const sev = measureSeverityLabel(a.severity);
    entries.push({
      at: a.submitted_at,
      node: [
        h('strong', null, instrumentName(a.instrument)),
        typeof a.total === 'number' ? ` ${t('timeline.score', { v: fmtNumber(a.total) })}` : '',
        sev.text ? h('span', { lang: sev.lang }, ` (${sev.text})`) : null,
        a.risk && a.risk.level !== 'none' ? [' ', riskTag(a.risk.level)] : null,
      ],
    });
  }
  for (const a of alerts) {
    entries.push({
      at: a.raised_at,
      node: [severityTag(a.severity), ' ', alertLink(a.id, t('timeline.alert')), ` · ${alertStatusLabel(a.status)}`, a.reasons.length ? h('span', { class: 'muted block' }, a.reasons.join(' ')) : null],
    });
  }
  for (const c of crises) {
    entries.push({
      at: c.opened_at,
      node: [
        h('span', { class: 'tag tag-crisis' }, t('timeline.crisis')),
        ' ',
        crisisLink(c.id, c.status === 'open' ? t('timeline.crisis_open') : t('timeline.crisis_closed')),
        c.disposition ? ` · ${dispositionLabel(c.disposition)}` : '',
        c.actions.length ? h('span', { class: 'muted block' }, c.actions.map((a) => crisisActionLabel(a.kind)).join(' · ')) : null,
      ],
    });
  }
  if (!entries.length) return h('p', { class: 'muted' }, t('timeline.empty'));
  entries.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));

  const list = h('div', { class: 'timeline-days', 'data-testid': 'timeline' });
  const LIMIT = 40;
  const draw = (n: number) => {
    const days = new Map<string, Entry[]>();
    for (const e of entries.slice(0, n)) {
      const d = localDay(e.at, tz);
      if (!days.has(d)) days.set(d, []);
      days.get(d)!.push(e);
    }
    list.replaceChildren(
      ...[...days].map(([d, es]) =>
        h(
          'div',
          { class: 'tl-day' },
          h('h3', { tabindex: '-1' }, fmtDate(d, 'full')),
          h('ul', { class: 'tl' }, es.map((e) => h('li', null, h('time', { datetime: e.at }, fmtTime(e.at, tz)), h('div', null, e.node)))),
        ),
      ),
      n < entries.length
        ? h(
            'button',
            {
              type: 'button',
              class: 'btn btn-small',
              onclick: () => {
                draw(entries.length);
                list.querySelectorAll<HTMLElement>('.tl-day h3')[Math.min(days.size, list.querySelectorAll('.tl-day').length - 1)]?.focus();
              },
            },
            tp('timeline.show_all', entries.length),
          )
        : '',
    );
  };
  draw(LIMIT);
  return list;
}

// ---- attendance (there is no per-patient list: the patient's sessions, then each one's record) ----

interface Attended {
  starts: string;
  kind: string;
  title: string | null;
  status: string;
  minutes: number;
}

interface SessionItem {
  id: string;
  kind: string;
  title: string | null;
  starts: string;
  status: string;
}

/** The patient's recorded attendance over the last six weeks of the episode (at most 30 sessions). */
async function attendanceOf(patientId: string, since: string | null, tz: string | undefined): Promise<Attended[]> {
  const today = localDay(new Date(serverNow()).toISOString(), tz);
  const sixWeeks = localDay(new Date(serverNow() - 41 * 86_400_000).toISOString(), tz);
  const from = since && since > sixWeeks ? since : sixWeeks;
  if (from > today) return [];
  const q = encodeURIComponent(patientId);
  const sessions = (await api<Page<SessionItem>>('GET', `/sessions?patient_id=${q}&from=${from}&to=${today}`)).items
    .filter((x) => x.status !== 'cancelled' && Date.parse(x.starts) < serverNow())
    .slice(-30);
  const records = await Promise.all(
    sessions.map((x) =>
      api<{ entries: { patient_id: string; status: string | null; minutes?: number }[] }>('GET', `/sessions/${encodeURIComponent(x.id)}/attendance`).catch(() => null),
    ),
  );
  const out: Attended[] = [];
  sessions.forEach((x, i) => {
    const e = records[i]?.entries.find((r) => r.patient_id === patientId);
    if (e?.status) out.push({ starts: x.starts, kind: x.kind, title: x.title, status: e.status, minutes: e.minutes ?? 0 });
  });
  return out;
}

function sessionKindLabel(k: string): string {
  switch (k) {
    case 'group':
      return t('record.session_group');
    case 'individual':
      return t('record.session_individual');
    case 'psychiatrist':
      return t('record.session_psychiatrist');
    case 'family':
      return t('record.session_family');
    default:
      return t('record.session_other');
  }
}

function attendanceLabel(s: string): string {
  switch (s) {
    case 'present':
      return t('record.att_present');
    case 'late':
      return t('record.att_late');
    case 'left_early':
      return t('record.att_left_early');
    case 'absent_excused':
      return t('record.att_absent_excused');
    case 'absent_unexcused':
      return t('record.att_absent_unexcused');
    default:
      return s;
  }
}
