// The patient chart: demographics, the episode of care and the care team. Which patient is open
// lives only in memory (state.selectedPatientId), never in the URL.
import { h, type Child } from '../dom';
import { api } from '../api';
import { t, tp } from '../i18n';
import { age, daysSince, fmtDate } from '../format';
import { dischargeLabel, episodeStatusLabel, languageName, referralLabel, sexLabel } from '../labels';
import { link } from '../router';
import { programName, serverNow, staffName, state } from '../state';
import type { Episode, Page, Patient } from '../types';
import { clinicTimeZone, givesMeasures, recordsCheckins } from './common';
import { safetyPlanCard } from './safetyplan';
import { busy, clearProblem, dl, loading, notice, pageTitle, section, showProblem, table, textField } from '../ui';

const EDITORS = new Set(['therapist', 'psychiatrist', 'clinical_director', 'program_staff']);
/** Roles that read the whole chart (treatment plan, medications); the server decides for whom. */
const READS_CHART = new Set(['therapist', 'psychiatrist', 'clinical_director']);

export async function renderChart(root: HTMLElement): Promise<void> {
  const back = h('p', { class: 'back' }, link('/patients', {}, h('span', { 'aria-hidden': 'true' }, '\u2190 '), t('chart.back')));
  const id = state.selectedPatientId;
  if (!id) {
    root.append(back, pageTitle(t('chart.title')), notice('info', t('chart.none_selected')));
    return;
  }
  const body = h('div', null, loading());
  root.append(back, body);
  let patient: Patient;
  let episodes: Episode[];
  try {
    [patient, episodes] = await Promise.all([
      api<Patient>('GET', `/patients/${encodeURIComponent(id)}`),
      api<Page<Episode>>('GET', `/episodes?patient_id=${encodeURIComponent(id)}`).then((p) => p.items),
    ]);
  } catch (e) {
    const problems = h('div', { tabindex: '-1' });
    body.replaceChildren(pageTitle(t('chart.title')), problems);
    showProblem(problems, e);
    return;
  }
  const active = episodes.find((e) => e.status === 'active') ?? null;
  const past = episodes.filter((e) => e !== active);

  const demo = h('div');
  const fillDemo = (p: Patient) =>
    demo.replaceChildren(
      dl([
        [t('chart.given_name'), p.given_name],
        [t('chart.family_name'), p.family_name],
        [t('chart.birth_date'), `${fmtDate(p.birth_date)} (${tp('chart.age_years', age(p.birth_date))})`],
        [t('chart.sex'), sexLabel(p.sex)],
        [t('chart.preferred_language'), languageName(p.preferred_language)],
        [t('chart.phone'), p.phone ?? ''],
        [t('chart.email'), p.email ?? ''],
        [
          t('chart.emergency_contact'),
          p.emergency_contact
            ? [p.emergency_contact.name, p.emergency_contact.relationship ? ` (${p.emergency_contact.relationship})` : '', ', ', p.emergency_contact.phone]
            : '',
        ],
        [
          t('chart.account'),
          p.account
            ? t(p.account.activated ? 'chart.account_active' : 'chart.account_invited', { username: p.account.username })
            : t('chart.account_none'),
        ],
      ]),
    );
  fillDemo(patient);

  const title = pageTitle(
    `${patient.family_name}, ${patient.given_name}`,
    h(
      'p',
      { class: 'subtitle' },
      `${fmtDate(patient.birth_date)} · ${tp('chart.age_years', age(patient.birth_date))} · ${sexLabel(patient.sex)}`,
      ' ',
      active
        ? h('span', { class: 'tag tag-ok' }, t('chart.in_program'))
        : h('span', { class: 'tag' }, t('chart.no_active_episode')),
    ),
  );

  const edit = EDITORS.has(state.user!.role)
    ? contactForm(patient, (p) => {
        patient = p;
        fillDemo(p);
      })
    : null;
  // What is due today comes right after the episode and its team, the whole width of the grid
  // (its form opens inline): for those who record check-ins or give measures.
  const givesHere = !!active && (givesMeasures() || recordsCheckins());
  const measuresBox = h('div', { class: 'measures-box' });
  const cards: Child[] = [
    section(t('chart.episode'), active ? await episodeFacts(active) : notice('info', t('chart.no_active_episode'))),
    section(t('chart.care_team'), active ? await careTeam(active) : h('p', { class: 'muted' }, t('chart.no_care_team'))),
    givesHere ? measuresBox : null,
    section(t('chart.demographics'), demo, edit),
  ];
  if (past.length) {
    const rows = await Promise.all(
      past.map(async (e) => [
        (await programName(e.program_id)) ?? '',
        episodeStatusLabel(e.status),
        fmtDate(e.admitted_on),
        e.discharge ? fmtDate(e.discharge.discharged_on) : '',
        e.discharge ? dischargeLabel(e.discharge.reason) : '',
      ]),
    );
    cards.push(
      section(
        t('chart.past_episodes'),
        // Focusable: in a narrow column the table scrolls sideways, and the keyboard must reach it.
        table(t('chart.past_episodes'), [t('chart.program'), t('chart.status'), t('chart.admitted'), t('chart.discharged'), t('chart.discharge_reason')], rows, {
          tabindex: '0',
          role: 'region',
          'aria-label': t('chart.past_episodes'),
        }),
      ),
    );
  }
  title.querySelector('h1')!.dataset.windowTitle = t('chart.title');
  const tz = await clinicTimeZone();
  const plan = safetyPlanCard(patient.id, tz);
  // Monitoring (charts and timeline) comes as its own chunk: the first screen does not carry it.
  const progress = h('div', { class: 'stack-lg progress' }, loading());
  // The record (hours, medications, 12-step log, notes, treatment plan, discharge) comes as
  // chunks of its own too, loaded side by side.
  const recordBox = h('div', { class: 'record-grid' }, loading());
  const notesBox = h('div');
  const planBox = h('div');
  const dischargeBox = h('div');
  const jump = jumpNav();
  body.replaceChildren(
    title,
    jump,
    h('div', { class: 'grid' }, cards),
    recordBox,
    notesBox,
    planBox,
    h('div', { class: 'chart-lower' }, progress, plan.el),
    dischargeBox,
  );
  const pid = patient.id;
  const failed = (box: HTMLElement) => () => box.replaceChildren(notice('error', t('err.unexpected')));
  const drawProgress = () => import('./progress').then(({ renderProgress }) => renderProgress(progress, pid, active, tz)).catch(failed(progress));
  const timeline = drawProgress();
  await Promise.all([
    timeline,
    givesHere
      ? import('./measures')
          // A measure or check-in given here shows at once in the charts and the timeline.
          .then(({ measuresCard }) => measuresBox.replaceChildren(measuresCard(pid, active!, tz, () => void drawProgress())))
          .catch(failed(measuresBox))
      : null,
    import('./record')
      .then(({ hoursCard, medicationsCard, meetingsCard }) =>
        // Hours and the 12-step log belong to an active episode; medications to those who read the chart.
        recordBox.replaceChildren(
          active ? hoursCard(pid, tz) : '',
          READS_CHART.has(state.user!.role) ? medicationsCard(pid, tz) : '',
          active ? meetingsCard(pid, tz) : '',
        ),
      )
      .catch(failed(recordBox)),
    import('./notes').then(({ notesCard }) => notesBox.replaceChildren(notesCard(pid, tz))).catch(failed(notesBox)),
    READS_CHART.has(state.user!.role)
      ? import('./tplan').then(({ treatmentPlanCard }) => planBox.replaceChildren(treatmentPlanCard(pid, active, tz))).catch(failed(planBox))
      : null,
    import('./discharge').then(({ dischargeCard }) => dischargeBox.replaceChildren(dischargeCard(active, past, tz) ?? '')).catch(failed(dischargeBox)),
  ]);
}

/** Buttons that move to a section of the (long) chart: focus its heading, no #hash in the URL. */
function jumpNav(): HTMLElement {
  const go = (testid: string) => () => {
    const sec = document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    const head = sec?.querySelector<HTMLElement>('h2');
    if (!head) return;
    head.tabIndex = -1;
    head.focus();
    head.scrollIntoView({ block: 'start' });
  };
  const items: [string, string][] = [
    ['hours-card', t('record.jump_hours')],
    ['notes-card', t('record.jump_notes')],
    ['tplan-card', t('record.jump_plan')],
    ['meds-card', t('record.jump_meds')],
    ['recovery-card', t('record.jump_recovery')],
    ['safety-plan-card', t('record.jump_safety')],
    ['discharge-card', t('record.jump_discharge')],
  ];
  return h(
    'nav',
    { class: 'jump', 'aria-label': t('record.jump') },
    h('ul', { class: 'jump-list' }, items.map(([id, label]) => h('li', null, h('button', { type: 'button', class: 'btn btn-small btn-quiet', onclick: go(id) }, label)))),
  );
}

async function episodeFacts(e: Episode): Promise<HTMLElement> {
  const pairs: [string, Child][] = [
    [t('chart.program'), (await programName(e.program_id)) ?? ''],
    [t('chart.status'), episodeStatusLabel(e.status)],
    [t('chart.referral_source'), referralLabel(e.referral_source)],
    [t('chart.admitted'), fmtDate(e.admitted_on)],
    [t('chart.days_in_program'), tp('chart.days', Math.max(0, daysSince(e.admitted_on, new Date(serverNow()))))],
  ];
  if (e.discharge) {
    pairs.push([t('chart.discharged'), fmtDate(e.discharge.discharged_on)], [t('chart.discharge_reason'), dischargeLabel(e.discharge.reason)]);
  }
  return dl(pairs);
}

async function careTeam(e: Episode): Promise<HTMLElement> {
  const name = async (id: string | null) => (id ? ((await staffName(id)) ?? t('chart.not_visible')) : '');
  const staff = await Promise.all(e.care_team.program_staff_ids.map((id) => name(id)));
  return dl([
    [t('chart.primary_therapist'), await name(e.care_team.primary_therapist_id)],
    [t('chart.psychiatrist'), await name(e.care_team.psychiatrist_id)],
    [t('chart.program_staff'), staff.length ? h('ul', { class: 'plain' }, staff.map((s) => h('li', null, s))) : ''],
  ]);
}

function contactForm(p: Patient, saved: (p: Patient) => void): HTMLElement {
  let current = p;
  const phone = textField(t('chart.phone'), { type: 'tel', autocomplete: 'off', value: p.phone });
  const email = textField(t('chart.email'), { type: 'email', autocomplete: 'off', value: p.email });
  const ecName = textField(t('chart.ec_name'), { autocomplete: 'off', value: p.emergency_contact?.name });
  const ecRel = textField(t('chart.ec_relationship'), { autocomplete: 'off', value: p.emergency_contact?.relationship });
  const ecPhone = textField(t('chart.ec_phone'), { type: 'tel', autocomplete: 'off', value: p.emergency_contact?.phone });
  const fields = {
    phone,
    email,
    'emergency_contact.name': ecName,
    'emergency_contact.relationship': ecRel,
    'emergency_contact.phone': ecPhone,
  };
  const status = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('common.save'));
  const form = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        clearProblem(status, fields);
        const ec =
          ecName.input.value.trim() || ecPhone.input.value.trim() || ecRel.input.value.trim()
            ? {
                name: ecName.input.value.trim(),
                phone: ecPhone.input.value.trim(),
                relationship: ecRel.input.value.trim() || null,
              }
            : null;
        try {
          const updated = await busy(save, () =>
            api<Patient>('PATCH', `/patients/${encodeURIComponent(current.id)}`, {
              version: current.version,
              phone: phone.input.value.trim() || null,
              email: email.input.value.trim() || null,
              emergency_contact: ec,
            }),
          );
          current = updated;
          saved(updated);
          status.replaceChildren(notice('success', t('chart.contact_saved')));
        } catch (e) {
          showProblem(status, e, fields);
        }
      },
    },
    h('div', { class: 'form-grid' }, phone.wrap, email.wrap),
    h('fieldset', null, h('legend', null, t('chart.emergency_contact')), h('div', { class: 'form-grid' }, ecName.wrap, ecRel.wrap, ecPhone.wrap)),
    status,
    h('div', { class: 'actions' }, save),
  );
  // Collapsed by default: reading the chart is the common case, editing the rare one.
  return h('details', { class: 'edit', 'data-testid': 'contact-edit' }, h('summary', null, t('chart.edit_contact')), form);
}
