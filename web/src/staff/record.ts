// The chart's record sections that load as their own chunk when a chart opens: hours this week
// against the minimum, medications (the psychiatrist edits; every change keeps the previous
// version) and the 12-step log (meetings with the weekly summary, sponsor, step work).
import { h, mount, uid, type Child } from '../dom';
import { ApiError, api } from '../api';
import { t, tp } from '../i18n';
import { fmtDate, fmtNumber, fmtShortDateTime } from '../format';
import { state } from '../state';
import type { WeekHours } from '../types';
import { busy, clearProblem, dl, loading, notice, problemText, section, selectField, showProblem, table, textArea, textField, type Field } from '../ui';
import { telHref } from '../patient/crisis';
import { clinicToday, conflictNotice, fmtHours, isoWeek, namesOf, notForMe, prescribes, shiftWeek, weekMonday } from './recordkit';

// ---- hours ----

export function hoursCard(patientId: string, tz: string | undefined): HTMLElement {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(t('hours.title'), body);
  el.dataset.testid = 'hours-card';
  const heading = el.querySelector('h2')!;
  const thisWeek = isoWeek(clinicToday(tz));
  let week = thisWeek;

  async function load(focusNav = false): Promise<void> {
    body.setAttribute('aria-busy', 'true');
    let hw: WeekHours;
    try {
      hw = await api<WeekHours>('GET', `/patients/${encodeURIComponent(patientId)}/hours?week=${encodeURIComponent(week)}`);
    } catch (e) {
      if (notForMe(e)) el.remove();
      else body.replaceChildren(notice('error', problemText(e)));
      return;
    } finally {
      body.removeAttribute('aria-busy');
    }
    heading.textContent = week === thisWeek ? t('hours.title') : t('hours.title_week', { date: fmtDate(weekMonday(week)) });
    const need = Math.max(0, hw.minimum_minutes - hw.attended_minutes);
    const past = week < thisWeek;
    let verdict: HTMLElement;
    if (hw.attended_minutes >= hw.minimum_minutes) verdict = h('p', { class: 'hours-verdict ok' }, h('span', { class: 'tag tag-ok' }, t('hours.compliant')));
    else if (past) verdict = h('p', { class: 'hours-verdict warn' }, h('span', { class: 'tag tag-warn' }, t('hours.unreachable_past', { need: fmtHours(need) })));
    else if (hw.reachable)
      verdict = h('p', { class: 'hours-verdict' }, t('hours.reachable', { need: fmtHours(need), left: fmtHours(hw.remaining_scheduled_minutes) }));
    else
      verdict = h(
        'p',
        { class: 'hours-verdict warn' },
        h('span', { class: 'tag tag-warn' }, t('hours.unreachable', { need: fmtHours(need), left: fmtHours(hw.remaining_scheduled_minutes) })),
      );
    const meterId = uid('hm');
    const nav = h(
      'div',
      { class: 'actions week-nav' },
      h('button', { type: 'button', class: 'btn btn-small', 'data-nav': 'prev', onclick: () => ((week = shiftWeek(week, -1)), void load(true)) }, t('hours.prev_week')),
      week !== thisWeek
        ? h('button', { type: 'button', class: 'btn btn-small', 'data-nav': 'this', onclick: () => ((week = thisWeek), void load(true)) }, t('hours.this_week'))
        : null,
      week < thisWeek
        ? h('button', { type: 'button', class: 'btn btn-small', 'data-nav': 'next', onclick: () => ((week = shiftWeek(week, 1)), void load(true)) }, t('hours.next_week'))
        : null,
    );
    const active = document.activeElement instanceof HTMLElement && body.contains(document.activeElement) ? document.activeElement.dataset.nav : undefined;
    mount(
      body,
      h(
        'div',
        { class: 'hours-meter' },
        h('label', { for: meterId, class: 'visually-hidden' }, t('hours.meter')),
        h('meter', { id: meterId, min: 0, max: hw.minimum_minutes || 1, low: hw.minimum_minutes * 0.999, optimum: hw.minimum_minutes || 1, value: Math.min(hw.attended_minutes, hw.minimum_minutes || 1) }),
      ),
      dl([
        [t('hours.attended'), h('strong', { 'data-testid': 'hours-attended' }, fmtHours(hw.attended_minutes))],
        [t('hours.minimum'), fmtHours(hw.minimum_minutes)],
        ...(past ? [] : ([[t('hours.remaining'), fmtHours(hw.remaining_scheduled_minutes)]] as [string, Child][])),
      ]),
      verdict,
      nav,
    );
    if (focusNav) (body.querySelector<HTMLElement>(`[data-nav="${active}"]`) ?? body.querySelector<HTMLElement>('[data-nav]'))?.focus();
  }
  void load();
  return el;
}

// ---- medications ----

interface MedVersion {
  id: string;
  version: number;
  name: string;
  dose: string;
  schedule: string;
  start_date: string;
  stop_date: string | null;
  note: string | null;
  changed_by: string;
  changed_at: string;
}
interface Medication extends MedVersion {
  history: MedVersion[];
}

export function medicationsCard(patientId: string, tz: string | undefined): HTMLElement {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(t('meds.title'), body);
  el.dataset.testid = 'meds-card';
  const q = encodeURIComponent(patientId);

  async function load(flash?: string): Promise<void> {
    let items: Medication[];
    try {
      items = (await api<{ items: Medication[] }>('GET', `/patients/${q}/medications`)).items;
    } catch (e) {
      if (notForMe(e)) el.remove();
      else body.replaceChildren(notice('error', problemText(e)));
      return;
    }
    const names = await namesOf(items.flatMap((m) => [m.changed_by, ...m.history.map((v) => v.changed_by)]));
    const today = clinicToday(tz);
    const current = items.filter((m) => !m.stop_date || m.stop_date >= today);
    const stopped = items.filter((m) => !current.includes(m));
    const editor = prescribes();
    const row = (m: Medication) =>
      h(
        'li',
        { class: 'med', 'data-testid': 'med' },
        h(
          'div',
          { class: 'med-head' },
          h('strong', { class: 'med-name' }, m.name),
          ' ',
          h('span', null, `${m.dose} · ${m.schedule}`),
          m.stop_date && m.stop_date < today ? h('span', { class: 'tag' }, t('meds.stopped')) : null,
        ),
        h(
          'p',
          { class: 'muted small' },
          t('meds.since', { date: fmtDate(m.start_date) }),
          m.stop_date ? ` · ${t('meds.until', { date: fmtDate(m.stop_date) })}` : '',
          ` · ${t('meds.changed', { when: fmtShortDateTime(m.changed_at, tz), who: names.get(m.changed_by) ?? '' })}`,
        ),
        m.note ? h('p', { class: 'med-note' }, m.note) : null,
        m.history.length
          ? h(
              'details',
              { class: 'history' },
              h('summary', null, tp('meds.history', m.history.length)),
              h(
                'ol',
                { class: 'plain versions', 'data-testid': 'med-history' },
                [m, ...m.history].map((v, i, all) => h('li', null, versionLine(v, all[i + 1] ?? null, names, tz))),
              ),
            )
          : null,
        editor ? changeForm(m) : null,
      );
    mount(
      body,
      flash ? notice('success', flash) : null,
      current.length ? h('ul', { class: 'plain meds' }, current.map(row)) : h('p', { class: 'muted' }, t('meds.none')),
      stopped.length ? h('details', { class: 'history' }, h('summary', null, tp('meds.stopped_n', stopped.length)), h('ul', { class: 'plain meds' }, stopped.map(row))) : null,
      editor ? addForm() : h('p', { class: 'muted small' }, t('meds.read_only')),
    );
  }

  function versionLine(v: MedVersion, prev: MedVersion | null, names: Map<string, string>, tz: string | undefined): Child {
    const changes: string[] = [];
    if (!prev) changes.push(t('meds.started', { dose: v.dose, schedule: v.schedule }));
    else {
      if (prev.dose !== v.dose) changes.push(t('meds.dose_changed', { from: prev.dose, to: v.dose }));
      if (prev.schedule !== v.schedule) changes.push(t('meds.schedule_changed', { from: prev.schedule, to: v.schedule }));
      if (prev.stop_date !== v.stop_date && v.stop_date) changes.push(t('meds.stop_set', { date: fmtDate(v.stop_date) }));
      if (prev.note !== v.note && v.note) changes.push(t('meds.note_set', { note: v.note }));
    }
    return [
      h('strong', null, t('meds.version', { n: v.version })),
      ` · ${fmtShortDateTime(v.changed_at, tz)} · ${names.get(v.changed_by) ?? ''}: `,
      changes.join('; ') || t('meds.no_change'),
    ];
  }

  function addForm(): HTMLElement {
    const name = textField(t('meds.name'), { required: true, autocomplete: 'off' });
    const dose = textField(t('meds.dose'), { required: true, autocomplete: 'off', hint: t('meds.dose_hint') });
    const schedule = textField(t('meds.schedule'), { required: true, autocomplete: 'off', hint: t('meds.schedule_hint') });
    const start = textField(t('meds.start_date'), { type: 'date', required: true, value: clinicToday(tz) });
    const stop = textField(t('meds.stop_date'), { type: 'date' });
    const note = textArea(t('meds.note'), { rows: 2 });
    const fields: Record<string, Field<HTMLElement>> = { name, dose, schedule, start_date: start, stop_date: stop, note };
    const status = h('div', { tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('meds.add'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'med-add-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          const b: Record<string, string> = {
            name: name.input.value.trim(),
            dose: dose.input.value.trim(),
            schedule: schedule.input.value.trim(),
            start_date: start.input.value,
          };
          if (stop.input.value) b.stop_date = stop.input.value;
          if (note.input.value.trim()) b.note = note.input.value.trim();
          try {
            const m = await busy(save, () => api<Medication>('POST', `/patients/${q}/medications`, b));
            await load(t('meds.added', { name: m.name }));
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            showProblem(status, e, fields);
          }
        },
      },
      h('div', { class: 'form-grid' }, name.wrap, dose.wrap, schedule.wrap, start.wrap, stop.wrap),
      note.wrap,
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('meds.add')), form);
  }

  function changeForm(m: Medication): HTMLElement {
    const dose = textField(t('meds.dose'), { autocomplete: 'off', value: m.dose });
    const schedule = textField(t('meds.schedule'), { autocomplete: 'off', value: m.schedule });
    const stop = textField(t('meds.stop_date'), { type: 'date', value: m.stop_date });
    const note = textArea(t('meds.change_note'), { rows: 2, value: '' });
    const fields: Record<string, Field<HTMLElement>> = { dose, schedule, stop_date: stop, note };
    const status = h('div', { tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('meds.save_change'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'med-change-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          const b: Record<string, unknown> = { version: m.version };
          if (dose.input.value.trim() !== m.dose) b.dose = dose.input.value.trim();
          if (schedule.input.value.trim() !== m.schedule) b.schedule = schedule.input.value.trim();
          if (stop.input.value && stop.input.value !== m.stop_date) b.stop_date = stop.input.value;
          if (note.input.value.trim()) b.note = note.input.value.trim();
          try {
            await busy(save, () => api<Medication>('PATCH', `/medications/${encodeURIComponent(m.id)}`, b));
            await load(t('meds.changed_saved', { name: m.name }));
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) {
              status.replaceChildren(conflictNotice(() => void load()));
              status.focus();
            } else showProblem(status, e, fields);
          }
        },
      },
      h('div', { class: 'form-grid' }, dose.wrap, schedule.wrap, stop.wrap),
      note.wrap,
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('meds.change', { name: m.name })), form);
  }

  void load();
  return el;
}

// ---- 12-step log ----

interface Meetings {
  meetings: { id: string; kind: string; on_date: string; note: string | null; recorded_by: string }[];
  weekly: { week: string; meetings: number }[];
  sponsor: { name: string | null; phone: string | null; last_contact: string | null } | null;
  step_work: { step: number; note: string | null } | null;
  version: number;
}

const KINDS = ['aa', 'na', 'smart', 'other'] as const;

function meetingKind(k: string): string {
  switch (k) {
    case 'aa':
      return t('recovery.kind_aa');
    case 'na':
      return t('recovery.kind_na');
    case 'smart':
      return t('recovery.kind_smart');
    default:
      return t('recovery.kind_other');
  }
}

/** Who may log meetings and the sponsor for a patient (the server decides for whom). */
function writesMeetings(): boolean {
  const r = state.user?.role;
  return r === 'therapist' || r === 'clinical_director' || r === 'program_staff';
}

export function meetingsCard(patientId: string, tz: string | undefined): HTMLElement {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(t('recovery.title'), body);
  el.dataset.testid = 'recovery-card';
  const q = encodeURIComponent(patientId);

  async function load(flash?: string): Promise<void> {
    let m: Meetings;
    try {
      m = await api<Meetings>('GET', `/patients/${q}/meetings`);
    } catch (e) {
      if (notForMe(e)) el.remove();
      else body.replaceChildren(notice('error', problemText(e)));
      return;
    }
    const thisWeek = isoWeek(clinicToday(tz));
    const weeks = [0, -1, -2, -3].map((n) => shiftWeek(thisWeek, n));
    const count = (w: string) => m.weekly.find((x) => x.week === w)?.meetings ?? 0;
    const sponsor = m.sponsor && (m.sponsor.name || m.sponsor.phone) ? m.sponsor : null;
    mount(
      body,
      flash ? notice('success', flash) : null,
      table(
        t('recovery.weekly'),
        [t('recovery.week'), t('recovery.meetings')],
        weeks.map((w) => [w === thisWeek ? t('hours.this_week') : t('recovery.week_of', { date: fmtDate(weekMonday(w)) }), fmtNumber(count(w))]),
        { 'data-testid': 'recovery-weekly' },
      ),
      dl([
        [
          t('recovery.sponsor'),
          sponsor
            ? [
                sponsor.name ?? '',
                sponsor.phone ? [' · ', h('a', { href: telHref(sponsor.phone) }, sponsor.phone)] : '',
                sponsor.last_contact ? h('span', { class: 'muted block small' }, t('recovery.last_contact', { date: fmtDate(sponsor.last_contact) })) : null,
              ]
            : '',
        ],
        [t('recovery.step_work'), m.step_work ? [t('recovery.step_n', { n: m.step_work.step }), m.step_work.note ? h('span', { class: 'block' }, m.step_work.note) : ''] : ''],
      ]),
      m.meetings.length
        ? h(
            'details',
            { class: 'history' },
            h('summary', null, tp('recovery.all_meetings', m.meetings.length)),
            h('ul', { class: 'plain', 'data-testid': 'recovery-meetings' }, m.meetings.slice(0, 60).map((x) => h('li', null, `${fmtDate(x.on_date)} · ${meetingKind(x.kind)}`, x.note ? h('span', { class: 'muted' }, ` · ${x.note}`) : ''))),
          )
        : h('p', { class: 'muted' }, t('recovery.none')),
      writesMeetings() ? [meetingForm(), supportForm(m)] : null,
    );
  }

  function meetingForm(): HTMLElement {
    const kind = selectField(t('recovery.kind'), KINDS.map((k) => ({ value: k, label: meetingKind(k) })), 'aa');
    const on = textField(t('recovery.date'), { type: 'date', value: clinicToday(tz), required: true });
    const note = textField(t('recovery.note'), { autocomplete: 'off' });
    const fields: Record<string, Field<HTMLElement>> = { kind, on_date: on, note };
    const status = h('div', { tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('recovery.log'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'meeting-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          const b: Record<string, string> = { kind: kind.input.value, on_date: on.input.value };
          if (note.input.value.trim()) b.note = note.input.value.trim();
          try {
            await busy(save, () => api('POST', `/patients/${q}/meetings`, b));
            await load(t('recovery.logged', { date: fmtDate(b.on_date) }));
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            showProblem(status, e, fields);
          }
        },
      },
      h('div', { class: 'form-grid' }, kind.wrap, on.wrap, note.wrap),
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('recovery.log')), form);
  }

  function supportForm(m: Meetings): HTMLElement {
    const name = textField(t('recovery.sponsor_name'), { autocomplete: 'off', value: m.sponsor?.name });
    const phone = textField(t('recovery.sponsor_phone'), { type: 'tel', autocomplete: 'off', value: m.sponsor?.phone });
    const contact = textField(t('recovery.sponsor_contact'), { type: 'date', value: m.sponsor?.last_contact });
    const step = textField(t('recovery.step'), { type: 'number', min: 1, max: 12, inputmode: 'numeric', value: m.step_work ? String(m.step_work.step) : '' });
    const stepNote = textArea(t('recovery.step_note'), { rows: 2, value: m.step_work?.note });
    const fields: Record<string, Field<HTMLElement>> = {
      'sponsor.name': name,
      'sponsor.phone': phone,
      'sponsor.last_contact': contact,
      'step_work.step': step,
      'step_work.note': stepNote,
    };
    const status = h('div', { tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('recovery.save_support'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'support-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          const b: Record<string, unknown> = { version: m.version };
          const sp: Record<string, string> = {};
          if (name.input.value.trim()) sp.name = name.input.value.trim();
          if (phone.input.value.trim()) sp.phone = phone.input.value.trim();
          if (contact.input.value) sp.last_contact = contact.input.value;
          if (Object.keys(sp).length) b.sponsor = sp;
          if (step.input.value.trim()) {
            const sw: Record<string, unknown> = { step: Number(step.input.value) };
            if (stepNote.input.value.trim()) sw.note = stepNote.input.value.trim();
            b.step_work = sw;
          } else if (stepNote.input.value.trim()) {
            b.step_work = { note: stepNote.input.value.trim() };
          }
          try {
            await busy(save, () => api('POST', `/patients/${q}/meetings`, b));
            await load(t('recovery.support_saved'));
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) {
              status.replaceChildren(conflictNotice(() => void load()));
              status.focus();
            } else showProblem(status, e, fields);
          }
        },
      },
      h('fieldset', null, h('legend', null, t('recovery.sponsor')), h('div', { class: 'form-grid' }, name.wrap, phone.wrap, contact.wrap)),
      h('fieldset', null, h('legend', null, t('recovery.step_work')), step.wrap, stepNote.wrap),
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('recovery.edit_support')), form);
  }

  void load();
  return el;
}

