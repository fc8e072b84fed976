// The safety plan card for staff (chart and crisis view): the current plan, an editor for
// licensed clinicians (each save is a new version; nothing is overwritten), and the versions.
import { h, mount, uid, type Child } from '../dom';
import { ApiError, api } from '../api';
import { t } from '../i18n';
import { fmtShortDateTime } from '../format';
import { CONTACT_STEPS, LIST_STEPS, STEPS, isContactStep, safetyPlanView, stepTitle, type Step } from '../safetyplan';
import { staffName } from '../state';
import type { Contact, SafetyPlan, SafetyPlanContent } from '../types';
import { busy, fieldMessage, loading, notice, problemText, section } from '../ui';
import { isLicensedClinician } from './common';

export interface PlanCard {
  el: HTMLElement;
  /** The loaded plan (with the program's crisis resources), once loaded. */
  loaded: Promise<SafetyPlan | null>;
}

export function safetyPlanCard(patientId: string, tz: string | undefined, opts: { title?: string } = {}): PlanCard {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(opts.title ?? t('plan.title'), body);
  el.dataset.testid = 'safety-plan-card';
  const loaded = load();

  async function load(): Promise<SafetyPlan | null> {
    try {
      const sp = await api<SafetyPlan>('GET', `/patients/${encodeURIComponent(patientId)}/safety-plan`);
      await draw(sp);
      return sp;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 403 || e.status === 404)) el.remove();
      else body.replaceChildren(notice('error', problemText(e)));
      return null;
    }
  }

  async function draw(sp: SafetyPlan, saved = false): Promise<void> {
    const names = new Map(
      await Promise.all(
        [...new Set(sp.versions.map((v) => v.created_by))].map(async (id) => [id, (await staffName(id)) ?? t('chart.not_visible')] as const),
      ),
    );
    const meta: Child[] = [];
    if (sp.plan) {
      meta.push(
        h(
          'p',
          { class: 'muted small', 'data-testid': 'plan-version' },
          t('plan.version_line', {
            n: sp.version,
            when: fmtShortDateTime(sp.updated_at, tz),
            who: (sp.updated_by && names.get(sp.updated_by)) || '',
          }),
          sp.with_patient === false ? ` · ${t('plan.not_with_patient')}` : ` · ${t('plan.with_patient_done')}`,
        ),
      );
    }
    // An earlier version, read-only, below the list (GET …/safety-plan?version=N).
    const earlierId = uid('spv');
    const earlier = h('div', { id: earlierId, class: 'earlier-version', 'aria-live': 'polite' });
    const showEarlier = async (n: number, btn: HTMLButtonElement) => {
      try {
        const old = await busy(btn, () => api<SafetyPlan>('GET', `/patients/${encodeURIComponent(patientId)}/safety-plan?version=${n}`));
        const headId = uid('spvh');
        earlier.replaceChildren(
          h(
            'section',
            { class: 'earlier', 'aria-labelledby': headId, 'data-testid': 'plan-earlier' },
            h('h3', { id: headId, tabindex: '-1' }, t('plan.earlier_title', { n: old.version })),
            h(
              'p',
              { class: 'muted small' },
              t('plan.version_line', { n: old.version, when: fmtShortDateTime(old.updated_at, tz), who: (old.updated_by && names.get(old.updated_by)) || '' }),
              ` · ${t('plan.earlier_read_only', { n: old.current_version ?? sp.version })}`,
            ),
            safetyPlanView(old.plan, false, 'h4'),
            h('button', { type: 'button', class: 'btn btn-small', onclick: () => (earlier.replaceChildren(), btn.focus()) }, t('plan.hide_version')),
          ),
        );
        earlier.querySelector<HTMLElement>('h3')?.focus();
      } catch (e) {
        earlier.replaceChildren(notice('error', problemText(e)));
      }
    };
    const versions =
      sp.versions.length > 1
        ? h(
            'details',
            { class: 'edit' },
            h('summary', null, t('plan.versions', { n: sp.versions.length })),
            h(
              'ul',
              { class: 'plain versions', 'data-testid': 'plan-versions' },
              sp.versions.map((v) =>
                h(
                  'li',
                  null,
                  t('plan.version_item', { n: v.version, when: fmtShortDateTime(v.created_at, tz), who: names.get(v.created_by) ?? '' }),
                  ' ',
                  v.version === sp.version
                    ? h('span', { class: 'tag' }, t('plan.current_version'))
                    : h(
                        'button',
                        {
                          type: 'button',
                          class: 'btn btn-small btn-quiet',
                          'aria-controls': earlierId,
                          onclick: (ev: MouseEvent) => void showEarlier(v.version, ev.currentTarget as HTMLButtonElement),
                        },
                        t('plan.show_version', { n: v.version }),
                      ),
                ),
              ),
            ),
            earlier,
            h('p', { class: 'muted small' }, t('plan.versions_note')),
          )
        : null;
    const editor = isLicensedClinician() ? planEditor(patientId, sp, (next) => void draw(next, true)) : null;
    mount(
      body,
      saved ? notice('success', t('plan.saved', { n: sp.version })) : '',
      sp.plan ? h('div', null, meta, safetyPlanView(sp.plan, false)) : notice('info', t('plan.none_yet')),
      editor,
      versions,
    );
  }

  return { el, loaded };
}

function planEditor(patientId: string, sp: SafetyPlan, saved: (sp: SafetyPlan) => void): HTMLElement {
  const plan: SafetyPlanContent = sp.plan ?? {};
  const status = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('plan.save'));
  const withId = uid('wp');
  const withPatient = h('input', { id: withId, type: 'checkbox', checked: sp.with_patient ?? true });
  const lists = new Map<Step, HTMLElement>();

  const stepFields = STEPS.map((s, i) => {
    const rows = h('div', { class: 'rows' });
    lists.set(s, rows);
    const contact = isContactStep(s);
    const addRow = (v?: string | Contact) => {
      rows.append(contact ? contactRow(s, v as Contact | undefined) : textRow(s, v as string | undefined));
    };
    const values = (plan[s] ?? []) as (string | Contact)[];
    values.forEach((v) => addRow(v));
    if (!values.length) addRow();
    return h(
      'fieldset',
      { class: 'plan-fieldset' },
      h('legend', null, `${i + 1}. ${stepTitle(s)}`),
      rows,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          onclick: () => {
            addRow();
            rows.lastElementChild?.querySelector<HTMLInputElement>('input')?.focus();
          },
        },
        contact ? t('plan.add_contact') : t('plan.add_item'),
      ),
    );
  });

  const form = h(
    'form',
    {
      class: 'stack plan-form',
      novalidate: true,
      'data-testid': 'plan-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        status.replaceChildren();
        form.querySelectorAll('.field-error').forEach((e) => e.remove());
        form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
        const body: Record<string, unknown> = { version: sp.version, with_patient: withPatient.checked };
        for (const s of LIST_STEPS) {
          body[s] = [...lists.get(s)!.querySelectorAll<HTMLInputElement>('input[data-part="text"]')].map((i) => i.value.trim()).filter(Boolean);
        }
        for (const s of CONTACT_STEPS) {
          body[s] = [...lists.get(s)!.querySelectorAll<HTMLElement>('.contact-row')]
            .map((row) => {
              const get = (part: string) => row.querySelector<HTMLInputElement>(`input[data-part="${part}"]`)!.value.trim();
              const c: Contact = { name: get('name') };
              if (get('phone')) c.phone = get('phone');
              if (get('note')) c.note = get('note');
              return c;
            })
            .filter((c) => c.name || c.phone || c.note);
        }
        try {
          const next = await busy(save, () => api<SafetyPlan>('PUT', `/patients/${encodeURIComponent(patientId)}/safety-plan`, body));
          const fresh = await api<SafetyPlan>('GET', `/patients/${encodeURIComponent(patientId)}/safety-plan`).catch(() => ({ ...sp, ...next }));
          saved(fresh);
        } catch (e) {
          showPlanErrors(form, status, e);
        }
      },
    },
    h('p', { class: 'muted small' }, t('plan.edit_note')),
    stepFields,
    h('div', { class: 'check' }, withPatient, h('label', { for: withId }, t('plan.with_patient'))),
    status,
    h('div', { class: 'actions' }, save),
  );
  return h('details', { class: 'edit', 'data-testid': 'plan-edit' }, h('summary', null, sp.plan ? t('plan.edit') : t('plan.write')), form);
}

function removeButton(row: HTMLElement, label: string): HTMLButtonElement {
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn-quiet btn-small',
      'aria-label': label,
      onclick: () => {
        const next = (row.nextElementSibling ?? row.previousElementSibling) as HTMLElement | null;
        const fieldset = row.closest('fieldset');
        row.remove();
        (next?.querySelector<HTMLInputElement>('input') ?? fieldset?.querySelector<HTMLButtonElement>('button'))?.focus();
      },
    },
    '\u2715',
  );
}

function textRow(step: Step, value = ''): HTMLElement {
  const id = uid('pi');
  const row = h('div', { class: 'plan-row' });
  row.append(
    h('label', { for: id, class: 'visually-hidden' }, stepTitle(step)),
    h('input', { id, type: 'text', value, 'data-part': 'text', maxlength: 500, autocomplete: 'off' }),
    removeButton(row, t('plan.remove_item', { text: value || stepTitle(step) })),
  );
  return row;
}

function contactRow(step: Step, c?: Contact): HTMLElement {
  const row = h('div', { class: 'contact-row' });
  const field = (part: 'name' | 'phone' | 'note', label: string, value: string | null | undefined, type = 'text') => {
    const id = uid('pc');
    return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, type, value: value ?? '', 'data-part': part, autocomplete: 'off' }));
  };
  row.append(
    field('name', t('plan.contact_name'), c?.name),
    field('phone', t('plan.contact_phone'), c?.phone, 'tel'),
    field('note', t('plan.contact_note'), c?.note),
    removeButton(row, t('plan.remove_contact', { name: c?.name || stepTitle(step) })),
  );
  return row;
}

/** Puts each field error next to its input: `warning_signs[0]`, `people_to_ask_for_help[1].phone`. */
function showPlanErrors(form: HTMLElement, status: HTMLElement, e: unknown): void {
  status.replaceChildren(notice('error', problemText(e)));
  if (!(e instanceof ApiError)) return;
  let first: HTMLElement | null = null;
  for (const fe of e.problem.errors ?? []) {
    const m = /^(\w+)\[(\d+)\](?:\.(\w+))?$/.exec(fe.field);
    if (!m) continue;
    const [, step, idx, part] = m;
    const fieldset = [...form.querySelectorAll<HTMLElement>('fieldset.plan-fieldset')][STEPS.indexOf(step as Step)];
    if (!fieldset) continue;
    // Empty rows were dropped before sending: find the idx-th row that was sent.
    const rows = [...fieldset.querySelectorAll<HTMLElement>(isContactStep(step as Step) ? '.contact-row' : '.plan-row')].filter((r) =>
      [...r.querySelectorAll('input')].some((i) => i.value.trim()),
    );
    const input = rows[Number(idx)]?.querySelector<HTMLInputElement>(`input[data-part="${part ?? 'text'}"]`);
    if (!input) continue;
    const errId = uid('err');
    const msg = fieldMessage(fe);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', errId);
    input.closest('.field, .plan-row')!.append(h('p', { class: 'field-error', id: errId, lang: msg.lang }, msg.text));
    first ??= input;
  }
  (first ?? status).focus();
}
