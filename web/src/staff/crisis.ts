// A crisis: who to call first (the patient, their emergency contact, the people in their safety
// plan, the program's crisis lines), what has been done (timestamped actions), and closing it
// with a disposition. The safety plan is shown and, for licensed clinicians, editable here.
import { h, mount, uid, type Child } from '../dom';
import { api } from '../api';
import { t } from '../i18n';
import { fmtShortDateTime, localInputToIso } from '../format';
import { CRISIS_ACTIONS, DISPOSITIONS, crisisActionLabel, dispositionLabel } from '../labels';
import { link } from '../router';
import { serverNow, staffName, state } from '../state';
import { crisisList, telHref } from '../patient/crisis';
import type { Crisis, Patient } from '../types';
import { busy, dl, loading, notice, pageTitle, section, selectField, showProblem } from '../ui';
import { alertLink, chartLink, clinicTimeZone, fullName, isLicensedClinician } from './common';
import { safetyPlanCard } from './safetyplan';

export async function renderCrisis(root: HTMLElement): Promise<void> {
  const path = state.backPath || '/today';
  root.append(
    h(
      'p',
      { class: 'back' },
      link(path, {}, h('span', { 'aria-hidden': 'true' }, '\u2190 '), path === '/alert' ? t('crisis_view.back_alert') : path === '/chart' ? t('alert.back_chart') : t('alert.back_today')),
    ),
  );
  const id = state.selectedCrisisId;
  if (!id) {
    root.append(pageTitle(t('crisis_view.title')), notice('info', t('crisis_view.none_selected')));
    return;
  }
  const body = h('div', null, loading());
  root.append(body);
  const tz = await clinicTimeZone();
  let crisis: Crisis;
  let patient: Patient | null;
  try {
    crisis = await api<Crisis>('GET', `/crises/${encodeURIComponent(id)}`);
    patient = await api<Patient>('GET', `/patients/${encodeURIComponent(crisis.patient_id)}`).catch(() => null);
  } catch (e) {
    const problems = h('div', { tabindex: '-1' });
    body.replaceChildren(pageTitle(t('crisis_view.title')), problems);
    showProblem(problems, e);
    return;
  }

  const head = h('div');
  const log = h('div', { class: 'stack' });
  const closeBox = h('div');
  const plan = safetyPlanCard(crisis.patient_id, tz);
  const contacts = h('div');
  body.replaceChildren(
    head,
    h(
      'div',
      { class: 'crisis-grid' },
      h(
        'div',
        { class: 'stack-lg' },
        section(t('crisis_view.contacts'), contacts),
        section(t('crisis_view.log'), log),
        section(t('crisis_view.close_title'), closeBox),
      ),
      h('div', { class: 'stack-lg' }, plan.el),
    ),
  );

  const name = patient ? fullName(patient) : '';

  async function draw(c: Crisis, focusLog = false): Promise<void> {
    crisis = c;
    const names = new Map(
      await Promise.all(
        [...new Set([c.opened_by, c.closed_by, ...c.responders, ...c.actions.map((a) => a.user_id)].filter((x): x is string => !!x))].map(
          async (u) => [u, (await staffName(u)) ?? t('chart.not_visible')] as const,
        ),
      ),
    );
    const title = pageTitle(
      name ? t('crisis_view.heading', { name }) : t('crisis_view.title'),
      h(
        'p',
        { class: 'subtitle' },
        h('span', { class: `tag ${c.status === 'open' ? 'tag-crisis' : 'tag-ok'}`, 'data-testid': 'crisis-status' }, c.status === 'open' ? t('crisis_view.open') : t('crisis_view.closed')),
        ' ',
        t('crisis_view.opened', { when: fmtShortDateTime(c.opened_at, tz), who: names.get(c.opened_by) ?? '' }),
        ' · ',
        chartLink(c.patient_id, t('alert.open_chart')),
        c.alert_id ? [' · ', alertLink(c.alert_id, t('crisis_view.the_alert'))] : null,
      ),
    );
    title.querySelector('h1')!.dataset.windowTitle = t('crisis_view.title');
    head.replaceChildren(
      title,
      c.responders.length
        ? h('p', { class: 'muted' }, t('crisis_view.responders', { names: c.responders.map((r) => names.get(r) ?? '').join(', ') }))
        : '',
    );

    // Actions: newest first, each with its time.
    const list = c.actions.map((a, i) => ({ a, i })).sort((x, y) => Date.parse(y.a.at) - Date.parse(x.a.at) || y.i - x.i).map((x) => x.a);
    log.replaceChildren(
      c.status === 'open' ? actionForm() : '',
      list.length
        ? h(
            'ol',
            { class: 'timeline', 'data-testid': 'crisis-actions', reversed: true },
            list.map((a) =>
              h(
                'li',
                null,
                h('time', { datetime: a.at }, fmtShortDateTime(a.at, tz)),
                h('div', null, h('strong', null, crisisActionLabel(a.kind)), h('span', { class: 'muted' }, ` · ${names.get(a.user_id) ?? ''}`), a.note ? h('p', { class: 'note-text' }, a.note) : null),
              ),
            ),
          )
        : h('p', { class: 'muted' }, t('crisis_view.no_actions')),
    );
    if (focusLog) log.querySelector<HTMLElement>('select')?.focus();

    closeBox.replaceChildren(
      c.status === 'open'
        ? closeForm()
        : dl([
            [t('crisis_view.disposition'), c.disposition ? dispositionLabel(c.disposition) : ''],
            [t('crisis_view.closed_at'), `${fmtShortDateTime(c.closed_at, tz)}${c.closed_by ? ` · ${names.get(c.closed_by) ?? ''}` : ''}`],
          ]),
    );
  }

  function actionForm(): HTMLElement {
    const kind = selectField(
      t('crisis_view.action_kind'),
      CRISIS_ACTIONS.map((k) => ({ value: k, label: crisisActionLabel(k) })),
      'patient_contacted',
      { name: 'kind' },
    );
    const noteId = uid('note');
    const note = h('textarea', { id: noteId, name: 'note', rows: 2 });
    const whenId = uid('when');
    const whenHint = uid('hint');
    const when = h('input', { id: whenId, type: 'datetime-local', name: 'at', 'aria-describedby': whenHint });
    const status = h('div', { tabindex: '-1' });
    const btn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('crisis_view.log_action'));
    return h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'crisis-action-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          status.replaceChildren();
          const payload: Record<string, string> = { kind: kind.input.value };
          if (note.value.trim()) payload.note = note.value.trim();
          const at = localInputToIso(when.value);
          if (at) {
            // Recorded actions may be back-dated, never put in the future.
            if (Date.parse(at) > serverNow()) {
              status.replaceChildren(notice('error', t('crisis_view.when_future')));
              when.focus();
              return;
            }
            payload.at = at;
          }
          try {
            await busy(btn, () => api('POST', `/crises/${encodeURIComponent(crisis.id)}/actions`, payload));
            const c = await api<Crisis>('GET', `/crises/${encodeURIComponent(crisis.id)}`);
            await draw(c, true);
            log.prepend(notice('success', t('crisis_view.action_logged', { kind: crisisActionLabel(payload.kind) })));
          } catch (e) {
            showProblem(status, e);
          }
        },
      },
      h('div', { class: 'form-grid' }, kind.wrap, h('div', { class: 'field' }, h('label', { for: whenId }, t('crisis_view.when')), h('p', { class: 'hint', id: whenHint }, t('crisis_view.when_hint')), when)),
      h('div', { class: 'field' }, h('label', { for: noteId }, t('crisis_view.note')), note),
      status,
      h('div', { class: 'actions' }, btn),
    );
  }

  function closeForm(): HTMLElement {
    const disp = selectField(
      t('crisis_view.disposition'),
      [{ value: '', label: t('crisis_view.choose') }, ...DISPOSITIONS.map((d) => ({ value: d, label: dispositionLabel(d) }))],
      '',
      { name: 'disposition', required: true },
    );
    const status = h('div', { tabindex: '-1' });
    const btn = h('button', { type: 'submit', class: 'btn' }, t('crisis_view.close'));
    return h(
      'form',
      {
        class: 'stack narrow',
        novalidate: true,
        'data-testid': 'crisis-close-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          disp.setError(null);
          status.replaceChildren();
          if (!disp.input.value) {
            disp.setError(t('err.required'));
            disp.input.focus();
            return;
          }
          try {
            const c = await busy(btn, () =>
              api<Crisis>('PATCH', `/crises/${encodeURIComponent(crisis.id)}`, { version: crisis.version, status: 'closed', disposition: disp.input.value }),
            );
            await draw(c);
            closeBox.prepend(notice('success', t('crisis_view.closed_done')));
            head.querySelector<HTMLElement>('h1')?.focus();
          } catch (e) {
            showProblem(status, e, { disposition: disp });
          }
        },
      },
      h('p', { class: 'muted' }, t('crisis_view.close_note')),
      disp.wrap,
      status,
      h('div', { class: 'actions' }, btn),
    );
  }

  function drawContacts(resources: { name: string; phone: string; description?: string }[]): void {
    const rows: Child[] = [];
    if (patient) {
      const ec = patient.emergency_contact;
      rows.push(
        dl([
          [t('crisis_view.patient_phone'), patient.phone ? callLink(name, patient.phone) : ''],
          [
            t('chart.emergency_contact'),
            ec ? h('span', null, ec.name, ec.relationship ? ` (${ec.relationship})` : '', ' ', callLink(ec.name, ec.phone)) : '',
          ],
        ]),
      );
    }
    if (resources.length) {
      rows.push(h('h3', null, t('crisis_view.resources')), crisisList(resources, true));
    }
    mount(contacts, rows);
  }

  drawContacts([]);
  await draw(crisis);
  const sp = await plan.loaded;
  drawContacts(sp?.crisis_resources ?? []);
  if (!isLicensedClinician()) log.prepend(notice('info', t('crisis_view.read_only')));
}

function callLink(name: string, phone: string): HTMLElement {
  return h('a', { class: 'tel', href: telHref(phone), 'aria-label': t('crisis.call_aria', { name, phone }) }, phone);
}
