// Discharge (a chunk of its own): the planned discharge day and the discharge form for the active
// episode (date, reason, the aftercare plan, referrals and the first appointment after discharge)
// and the discharge summary the server assembles from the record (dates, hours attended, first
// and last score of each measure, whether AUDIT-C was given at discharge, alerts and crises,
// medications, aftercare) — a draft while the episode runs, final once discharged.
import { h, mount, uid, type Child } from '../dom';
import { ApiError, api, type FieldError } from '../api';
import { t, tp } from '../i18n';
import { fmtDate, fmtNumber, fmtShortDateTime, localDay } from '../format';
import { dischargeLabel, dispositionLabel, instrumentName, measureSeverityLabel, referralLabel, SEVERITIES, severityLabel } from '../labels';
import { refresh } from '../router';
import { state } from '../state';
import type { Episode } from '../types';
import { busy, clearProblem, dl, fieldMessage, loading, notice, problemText, section, selectField, showProblem, table, textArea, textField, type Field } from '../ui';
import { clinicToday, fmtHours, namesOf, notForMe } from './recordkit';

interface Point {
  date: string;
  total: number | null;
  severity: string | null;
}
interface Summary {
  episode_id: string;
  status: string;
  final: boolean;
  patient: { id: string; given_name: string; family_name: string; birth_date: string };
  program: { id: string; name: string };
  referral_source: string;
  admitted_on: string;
  discharged_on: string | null;
  discharge_reason: string | null;
  days_in_program: number;
  care_team: { primary_therapist_id: string | null; psychiatrist_id: string | null };
  attendance: { attended_minutes: number; sessions_recorded: number; absences_unexcused: number; absences_excused: number };
  measures: { instrument: string; count: number; first: Point; last: Point; change?: number }[];
  alerts: Record<string, number>;
  crises: { id: string; opened_at: string; status: string; disposition: string | null; closed_at: string | null }[];
  medications: { name: string; dose: string; schedule: string; start_date: string; stop_date: string | null }[];
  aftercare: Aftercare | null;
  /** Measures due at discharge (AUDIT-C) and whether the episode's last week has one. */
  discharge_measures?: { instrument: string; done: boolean; date: string | null }[];
}
interface Aftercare {
  plan: string | null;
  referrals: { name: string; kind?: string; contact?: string }[];
  first_appointment: { date: string; with: string; place?: string } | null;
}

const REASONS = ['completed', 'step_down', 'step_up', 'against_advice', 'administrative', 'transferred'];
const REFERRAL_KINDS = ['outpatient_therapy', 'psychiatry', 'php', 'inpatient', 'residential', 'mutual_help', 'primary_care', 'other'] as const;

function referralKindLabel(k: string | undefined): string {
  switch (k) {
    case 'outpatient_therapy':
      return t('discharge.ref_outpatient_therapy');
    case 'psychiatry':
      return t('discharge.ref_psychiatry');
    case 'php':
      return t('discharge.ref_php');
    case 'inpatient':
      return t('discharge.ref_inpatient');
    case 'residential':
      return t('discharge.ref_residential');
    case 'mutual_help':
      return t('discharge.ref_mutual_help');
    case 'primary_care':
      return t('discharge.ref_primary_care');
    case 'other':
      return t('discharge.ref_other');
    default:
      return '';
  }
}

/** Who may discharge (the server decides for whom): the therapist, psychiatrist and director. */
function discharges(): boolean {
  const r = state.user?.role;
  return r === 'therapist' || r === 'psychiatrist' || r === 'clinical_director';
}

let justDischarged: string | null = null;

/**
 * The discharge card: for the active episode the form and a draft summary; otherwise the final
 * summary of the latest discharged episode (and earlier ones on request).
 */
export function dischargeCard(active: Episode | null, past: Episode[], tz: string | undefined): HTMLElement | null {
  const discharged = past.filter((e) => e.status === 'discharged').sort((a, b) => (b.discharge?.discharged_on ?? '').localeCompare(a.discharge?.discharged_on ?? ''));
  if (!active && !discharged.length) return null;
  const body = h('div', { class: 'stack' });
  const el = section(active ? t('discharge.title') : t('discharge.summary_title'), body);
  el.dataset.testid = 'discharge-card';
  if (active) {
    const summaryBox = h('div');
    const open = h(
      'details',
      { class: 'history', 'data-testid': 'discharge-draft' },
      h('summary', null, t('discharge.draft_summary')),
      summaryBox,
    );
    let loaded = false;
    open.addEventListener('toggle', () => {
      if (open.open && !loaded) {
        loaded = true;
        void showSummary(summaryBox, active.id, tz);
      }
    });
    mount(
      body,
      plannedDischarge(active),
      discharges() ? dischargeForm(active, tz) : h('p', { class: 'muted small' }, t('discharge.who_may')),
      open,
    );
  } else {
    const latest = discharged[0];
    const box = h('div', null, loading());
    const flash = justDischarged === latest.id ? notice('success', t('discharge.done', { date: fmtDate(latest.discharge?.discharged_on) })) : null;
    justDischarged = null;
    mount(
      body,
      flash,
      box,
      discharged.length > 1
        ? h(
            'details',
            { class: 'history' },
            h('summary', null, tp('discharge.earlier_episodes', discharged.length - 1)),
            h(
              'ul',
              { class: 'plain' },
              discharged.slice(1).map((e) => {
                const target = h('div');
                return h(
                  'li',
                  null,
                  h(
                    'button',
                    { type: 'button', class: 'btn btn-small btn-quiet', onclick: () => void showSummary(target, e.id, tz) },
                    t('discharge.show_summary', { date: fmtDate(e.discharge?.discharged_on) }),
                  ),
                  target,
                );
              }),
            ),
          )
        : null,
    );
    void showSummary(box, latest.id, tz).then(() => {
      if (flash) {
        flash.setAttribute('tabindex', '-1');
        flash.focus();
      }
    });
  }
  return el;
}

async function showSummary(box: HTMLElement, episodeId: string, tz: string | undefined): Promise<void> {
  box.replaceChildren(loading());
  let s: Summary;
  try {
    s = await api<Summary>('GET', `/episodes/${encodeURIComponent(episodeId)}/discharge-summary`);
  } catch (e) {
    box.replaceChildren(notForMe(e) ? notice('info', t('discharge.summary_hidden')) : notice('error', problemText(e)));
    return;
  }
  const names = await namesOf([s.care_team.primary_therapist_id, s.care_team.psychiatrist_id]);
  const a = s.aftercare;
  const measureRows = s.measures.map((m) => {
    const sev = (p: Point) => {
      const l = measureSeverityLabel(p.severity);
      return l.text ? h('span', { lang: l.lang }, ` (${l.text})`) : null;
    };
    return [
      instrumentName(m.instrument),
      fmtNumber(m.count),
      [m.first.total === null ? '' : fmtNumber(m.first.total), sev(m.first), h('span', { class: 'muted block small' }, fmtShortDateTime(m.first.date, tz))],
      [m.last.total === null ? '' : fmtNumber(m.last.total), sev(m.last), h('span', { class: 'muted block small' }, fmtShortDateTime(m.last.date, tz))],
      typeof m.change === 'number' ? `${m.change > 0 ? '+' : ''}${fmtNumber(m.change)}` : '',
    ] as Child[];
  });
  const headId = uid('ds');
  mount(
    box,
    h(
      'article',
      { class: 'discharge-summary', 'aria-labelledby': headId, 'data-testid': 'discharge-summary' },
      h(
        'h3',
        { id: headId, tabindex: '-1' },
        s.final ? t('discharge.summary_final') : t('discharge.summary_draft'),
        ' ',
        h('span', { class: `tag ${s.final ? 'tag-ok' : 'tag-warn'}` }, s.final ? t('discharge.final') : t('discharge.draft')),
      ),
      dl([
        [t('discharge.program'), s.program.name],
        [t('chart.referral_source'), referralLabel(s.referral_source)],
        [t('chart.admitted'), fmtDate(s.admitted_on)],
        [t('chart.discharged'), s.discharged_on ? fmtDate(s.discharged_on) : ''],
        [t('chart.discharge_reason'), s.discharge_reason ? dischargeLabel(s.discharge_reason) : ''],
        [t('chart.days_in_program'), tp('chart.days', s.days_in_program)],
        [t('chart.primary_therapist'), s.care_team.primary_therapist_id ? (names.get(s.care_team.primary_therapist_id) ?? '') : ''],
        [t('chart.psychiatrist'), s.care_team.psychiatrist_id ? (names.get(s.care_team.psychiatrist_id) ?? '') : ''],
        [
          t('discharge.attendance'),
          t('discharge.attendance_line', {
            hours: fmtHours(s.attendance.attended_minutes),
            sessions: fmtNumber(s.attendance.sessions_recorded),
            unexcused: fmtNumber(s.attendance.absences_unexcused),
            excused: fmtNumber(s.attendance.absences_excused),
          }),
        ],
        [t('discharge.alerts'), SEVERITIES.map((sev) => `${severityLabel(sev)}: ${fmtNumber(s.alerts[sev] ?? 0)}`).join(' · ')],
        [
          t('discharge.crises'),
          s.crises.length
            ? h('ul', { class: 'plain' }, s.crises.map((c) => h('li', null, fmtShortDateTime(c.opened_at, tz), c.disposition ? ` · ${dispositionLabel(c.disposition)}` : '')))
            : t('discharge.no_crises'),
        ],
      ]),
      h('h4', null, t('discharge.measures')),
      measureRows.length
        ? table(t('discharge.measures'), [t('discharge.measure'), t('discharge.count'), t('discharge.first'), t('discharge.last'), t('discharge.change')], measureRows, {
            tabindex: '0',
            role: 'region',
            'aria-label': t('discharge.measures'),
          })
        : h('p', { class: 'muted' }, t('discharge.no_measures')),
      s.discharge_measures?.length
        ? h(
            'div',
            { 'data-testid': 'discharge-measures' },
            dl(
              s.discharge_measures.map((m): [string, Child] => [
                t('discharge.at_discharge', { instrument: instrumentName(m.instrument) }),
                m.done && m.date
                  ? t('discharge.measure_done', { date: fmtDate(localDay(m.date, tz)) })
                  : [
                      h('span', { class: 'tag tag-warn' }, t('discharge.measure_not_done')),
                      // While the episode runs the gap can still be closed.
                      s.final ? null : h('span', { class: 'muted small' }, ' ', t('discharge.measure_due_hint')),
                    ],
              ]),
            ),
          )
        : null,
      h('h4', null, t('discharge.medications')),
      s.medications.length
        ? h('ul', { class: 'plain' }, s.medications.map((m) => h('li', null, h('strong', null, m.name), ` ${m.dose} · ${m.schedule}`, m.stop_date ? h('span', { class: 'muted' }, ` · ${t('meds.until', { date: fmtDate(m.stop_date) })}`) : '')))
        : h('p', { class: 'muted' }, t('meds.none')),
      h('h4', null, t('discharge.aftercare')),
      a
        ? dl([
            [t('discharge.aftercare_plan'), a.plan ?? ''],
            [
              t('discharge.referrals'),
              a.referrals.length
                ? h('ul', { class: 'plain' }, a.referrals.map((r) => h('li', null, r.name, r.kind ? h('span', { class: 'muted' }, ` · ${referralKindLabel(r.kind)}`) : '', r.contact ? ` · ${r.contact}` : '')))
                : '',
            ],
            [
              t('discharge.first_appointment'),
              a.first_appointment
                ? t('discharge.first_appointment_line', { date: fmtDate(a.first_appointment.date), with: a.first_appointment.with }) + (a.first_appointment.place ? ` · ${a.first_appointment.place}` : '')
                : '',
            ],
          ])
        : h('p', { class: 'muted' }, t('discharge.no_aftercare')),
    ),
  );
}

/**
 * The planned discharge day: AUDIT-C falls due in the week before it. Shown to everyone who reads
 * the card; editable by those who discharge (the server decides). Saving updates `e` in place,
 * so the discharge form below sends the new version.
 */
function plannedDischarge(e: Episode): HTMLElement {
  const shown = h('p', { 'data-testid': 'planned-discharge' });
  const show = () =>
    shown.replaceChildren(
      h('strong', null, t('discharge.planned'), ': '),
      e.planned_discharge_on ? fmtDate(e.planned_discharge_on, 'full') : h('span', { class: 'muted' }, t('discharge.planned_none')),
    );
  show();
  if (!discharges()) return shown;
  const date = textField(t('discharge.planned'), { type: 'date', value: e.planned_discharge_on ?? '', hint: t('discharge.planned_hint') });
  const fields = { planned_discharge_on: date };
  const status = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn' }, t('discharge.planned_save'));
  const message = (fe: FieldError) =>
    fe.code === 'before_start' ? { text: t('discharge.err_before_admission', { date: fmtDate(e.admitted_on) }) } : fieldMessage(fe);
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'data-testid': 'planned-discharge-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        clearProblem(status, fields);
        try {
          const saved = await busy(save, () =>
            api<Episode>('PATCH', `/episodes/${encodeURIComponent(e.id)}`, { version: e.version, planned_discharge_on: date.input.value || null }),
          );
          Object.assign(e, saved);
          show();
          status.replaceChildren(notice('success', saved.planned_discharge_on ? t('discharge.planned_saved', { date: fmtDate(saved.planned_discharge_on) }) : t('discharge.planned_cleared')));
        } catch (err) {
          showProblem(status, err, fields, message);
        }
      },
    },
    h('div', { class: 'form-grid' }, date.wrap),
    status,
    h('div', { class: 'actions' }, save),
  );
  // Collapsed like the chart's other edit forms: reading is the common case.
  return h('div', { class: 'stack' }, shown, h('details', { class: 'edit', 'data-testid': 'planned-discharge-edit' }, h('summary', null, t('discharge.planned_change')), form));
}

function dischargeForm(e: Episode, tz: string | undefined): HTMLElement {
  const on = textField(t('discharge.date'), { type: 'date', required: true, value: clinicToday(tz) });
  const reason = selectField(t('discharge.reason'), [{ value: '', label: t('discharge.choose_reason') }, ...REASONS.map((r) => ({ value: r, label: dischargeLabel(r) }))], '');
  const plan = textArea(t('discharge.aftercare_plan'), { rows: 4, hint: t('discharge.aftercare_hint') });
  const apptDate = textField(t('discharge.appt_date'), { type: 'date' });
  const apptWith = textField(t('discharge.appt_with'), { autocomplete: 'off' });
  const apptPlace = textField(t('discharge.appt_place'), { autocomplete: 'off' });
  const refs = h('div', { class: 'stack' });
  const fields: Record<string, Field<HTMLElement>> = {
    discharged_on: on,
    reason,
    'aftercare.plan': plan,
    'aftercare.first_appointment.date': apptDate,
    'aftercare.first_appointment.with': apptWith,
    'aftercare.first_appointment.place': apptPlace,
  };
  const refRows: { name: Field; kind: Field<HTMLSelectElement>; contact: Field; el: HTMLElement }[] = [];
  const addRef = () => {
    const n = refRows.length + 1;
    const name = textField(t('discharge.ref_name', { n }), { autocomplete: 'off' });
    const kind = selectField(t('discharge.ref_kind'), [{ value: '', label: '—' }, ...REFERRAL_KINDS.map((k) => ({ value: k, label: referralKindLabel(k) }))], '');
    const contact = textField(t('discharge.ref_contact'), { autocomplete: 'off' });
    const el = h('div', { class: 'form-grid ref-row' }, name.wrap, kind.wrap, contact.wrap);
    refRows.push({ name, kind, contact, el });
    refs.append(el);
    return name.input;
  };
  addRef();
  const status = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('discharge.submit'));
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'data-testid': 'discharge-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        const all: Record<string, Field<HTMLElement>> = { ...fields };
        const sent = refRows.filter((r) => r.name.input.value.trim() || r.contact.input.value.trim() || r.kind.input.value);
        sent.forEach((r, i) => {
          all[`aftercare.referrals[${i}].name`] = r.name;
          all[`aftercare.referrals[${i}].kind`] = r.kind;
          all[`aftercare.referrals[${i}].contact`] = r.contact;
        });
        clearProblem(status, all);
        const aftercare: Record<string, unknown> = {
          referrals: sent.map((r) => {
            const o: Record<string, string> = { name: r.name.input.value.trim() };
            if (r.kind.input.value) o.kind = r.kind.input.value;
            if (r.contact.input.value.trim()) o.contact = r.contact.input.value.trim();
            return o;
          }),
        };
        if (plan.input.value.trim()) aftercare.plan = plan.input.value.trim();
        if (apptDate.input.value || apptWith.input.value.trim()) {
          const fa: Record<string, string> = { date: apptDate.input.value, with: apptWith.input.value.trim() };
          if (apptPlace.input.value.trim()) fa.place = apptPlace.input.value.trim();
          aftercare.first_appointment = fa;
        }
        const b: Record<string, unknown> = { discharged_on: on.input.value, reason: reason.input.value, aftercare, version: e.version };
        try {
          await busy(save, () => api<Episode>('POST', `/episodes/${encodeURIComponent(e.id)}/discharge`, b));
          justDischarged = e.id;
          refresh();
        } catch (err) {
          if (err instanceof ApiError && err.status === 409) status.replaceChildren(notice('warning', t('discharge.already')));
          else showProblem(status, err, all);
          if (err instanceof ApiError && err.status === 409) status.focus();
        }
      },
    },
    h('div', { class: 'form-grid' }, on.wrap, reason.wrap),
    plan.wrap,
    h(
      'fieldset',
      null,
      h('legend', null, t('discharge.referrals')),
      refs,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => addRef().focus() }, t('discharge.add_referral')),
    ),
    h('fieldset', null, h('legend', null, t('discharge.first_appointment')), h('div', { class: 'form-grid' }, apptDate.wrap, apptWith.wrap, apptPlace.wrap)),
    h('p', { class: 'muted small' }, t('discharge.final_note')),
    status,
    h('div', { class: 'actions' }, save),
  );
  return h('details', { class: 'edit', 'data-testid': 'discharge-edit' }, h('summary', null, t('discharge.open_form')), form);
}
