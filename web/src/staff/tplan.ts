// The treatment plan in the chart (a chunk of its own): problems → goals → measurable objectives
// (measure, target date) → interventions (who is responsible). Every save is a new version (sent
// with the version it replaces; a 409 offers a reload); earlier versions are listed and can be
// read; reviews record a note and set the next review 30 days later; the patient's
// acknowledgement of the current version is shown.
import { h, mount, uid, type Child } from '../dom';
import { ApiError, api } from '../api';
import { t } from '../i18n';
import { fmtShortDateTime } from '../format';
import { serverNow, state } from '../state';
import type { Episode } from '../types';
import { busy, loading, notice, problemText, section, textArea } from '../ui';
import { fieldMessage } from '../ui';
import { conflictNotice, namesOf, notForMe, writesChart } from './recordkit';
import { planView, type Goal, type Objective, type PlanContent, type TreatmentPlan } from '../tplanview';

// Plan contents seen in this tab, by patient and version (memory only): the server answers only
// the current version, so an earlier one can be shown when this tab has read it before.
const seen = new Map<string, Map<number, PlanContent>>();
function remember(patientId: string, version: number, plan: PlanContent | null): void {
  if (!plan || !version) return;
  if (!seen.has(patientId)) seen.set(patientId, new Map());
  seen.get(patientId)!.set(version, plan);
}

export function treatmentPlanCard(patientId: string, episode: Episode | null, tz: string | undefined): HTMLElement {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(t('tplan.title'), body);
  el.dataset.testid = 'tplan-card';
  const q = encodeURIComponent(patientId);

  async function load(flash?: string): Promise<void> {
    let tp: TreatmentPlan;
    try {
      tp = await api<TreatmentPlan>('GET', `/patients/${q}/treatment-plan`);
    } catch (e) {
      if (notForMe(e)) el.remove();
      else body.replaceChildren(notice('error', problemText(e)));
      return;
    }
    remember(patientId, tp.version, tp.plan);
    const names = await namesOf([
      ...tp.versions.map((v) => v.created_by),
      ...tp.reviews.map((r) => r.user_id),
      ...(tp.plan?.problems ?? []).flatMap((p) => p.goals.flatMap((g) => g.interventions.map((x) => x.responsible_id))),
    ]);
    const cur = tp.versions.find((v) => v.version === tp.version);
    const ack = tp.acknowledgements.find((a) => a.version === tp.version);
    const dueSoon = tp.next_review_due && Date.parse(tp.next_review_due) < serverNow();
    const facts: Child[] = tp.plan
      ? [
          h(
            'p',
            { class: 'muted small', 'data-testid': 'tplan-version' },
            t('tplan.version_line', { n: tp.version, when: fmtShortDateTime(cur?.created_at, tz), who: (cur && names.get(cur.created_by)) || '' }),
          ),
          h(
            'p',
            { class: 'tplan-status' },
            ack
              ? h('span', { class: 'tag tag-ok', 'data-testid': 'tplan-ack' }, t('tplan.acknowledged', { date: fmtShortDateTime(ack.at, tz) }))
              : h('span', { class: 'tag tag-warn', 'data-testid': 'tplan-ack' }, t('tplan.not_acknowledged')),
            ' ',
            tp.next_review_due
              ? h(
                  'span',
                  { class: dueSoon ? 'overdue' : '', 'data-testid': 'tplan-review-due' },
                  dueSoon ? t('tplan.review_overdue', { date: fmtShortDateTime(tp.next_review_due, tz) }) : t('tplan.review_due', { date: fmtShortDateTime(tp.next_review_due, tz) }),
                )
              : '',
          ),
        ]
      : [];
    const editor = writesChart();
    mount(
      body,
      flash ? notice('success', flash) : null,
      tp.plan ? [facts, planView(tp.plan, names)] : notice('info', t('tplan.none_yet')),
      editor ? planEditor(tp) : null,
      tp.plan && editor ? reviewForm() : null,
      tp.reviews.length
        ? h(
            'details',
            { class: 'history' },
            h('summary', null, t('tplan.reviews', { n: tp.reviews.length })),
            h(
              'ul',
              { class: 'plain', 'data-testid': 'tplan-reviews' },
              tp.reviews.map((r) => h('li', null, t('tplan.review_line', { n: r.version, when: fmtShortDateTime(r.at, tz), who: names.get(r.user_id) ?? '' }), r.note ? h('span', { class: 'block' }, r.note) : '')),
            ),
          )
        : null,
      tp.versions.length > 1 ? versionsBlock(tp, names) : null,
    );
  }

  function versionsBlock(tp: TreatmentPlan, names: Map<string, string>): HTMLElement {
    const earlierId = uid('tpv');
    const earlier = h('div', { id: earlierId, 'aria-live': 'polite' });
    const show = async (n: number, btn: HTMLButtonElement) => {
      let content: PlanContent | null = null;
      try {
        // Asked for by number; an answer for another version means the server does not give out
        // earlier ones, and this tab's memory is the only source.
        const r = await busy(btn, () => api<TreatmentPlan>('GET', `/patients/${q}/treatment-plan?version=${n}`));
        if (r.version === n) content = r.plan;
      } catch (e) {
        if (!(e instanceof ApiError && (e.status === 400 || e.status === 404))) {
          earlier.replaceChildren(notice('error', problemText(e)));
          return;
        }
      }
      content ??= seen.get(patientId)?.get(n) ?? null;
      const headId = uid('tpvh');
      const v = tp.versions.find((x) => x.version === n);
      earlier.replaceChildren(
        h(
          'section',
          { class: 'earlier', 'aria-labelledby': headId, 'data-testid': 'tplan-earlier' },
          h('h3', { id: headId, tabindex: '-1' }, t('tplan.earlier_title', { n })),
          h('p', { class: 'muted small' }, t('tplan.version_line', { n, when: fmtShortDateTime(v?.created_at, tz), who: (v && names.get(v.created_by)) || '' }), ` · ${t('tplan.read_only', { n: tp.version })}`),
          content ? planView(content, names, 4) : notice('info', t('tplan.earlier_unavailable')),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => (earlier.replaceChildren(), btn.focus()) }, t('tplan.close_version')),
        ),
      );
      earlier.querySelector<HTMLElement>('h3')?.focus();
    };
    return h(
      'details',
      { class: 'history' },
      h('summary', null, t('tplan.versions', { n: tp.versions.length })),
      h(
        'ul',
        { class: 'plain versions', 'data-testid': 'tplan-versions' },
        tp.versions.map((v) =>
          h(
            'li',
            null,
            t('tplan.version_item', { n: v.version, when: fmtShortDateTime(v.created_at, tz), who: names.get(v.created_by) ?? '' }),
            ' ',
            v.version === tp.version
              ? h('span', { class: 'tag' }, t('tplan.current'))
              : h(
                  'button',
                  { type: 'button', class: 'btn btn-small btn-quiet', 'aria-controls': earlierId, onclick: (ev: MouseEvent) => void show(v.version, ev.currentTarget as HTMLButtonElement) },
                  t('tplan.show_version', { n: v.version }),
                ),
          ),
        ),
      ),
      earlier,
      h('p', { class: 'muted small' }, t('tplan.versions_note')),
    );
  }

  function reviewForm(): HTMLElement {
    const note = textArea(t('tplan.review_note'), { rows: 2 });
    const status = h('div', { tabindex: '-1' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tplan.record_review'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'tplan-review-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          status.replaceChildren();
          const b: Record<string, string> = {};
          if (note.input.value.trim()) b.note = note.input.value.trim();
          try {
            const r = await busy(save, () => api<{ next_review_due: string }>('POST', `/patients/${q}/treatment-plan/reviews`, b));
            await load(t('tplan.reviewed', { date: fmtShortDateTime(r.next_review_due, tz) }));
            body.querySelector<HTMLElement>('.notice')?.setAttribute('tabindex', '-1');
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            status.replaceChildren(notice('error', problemText(e)));
            status.focus();
          }
        },
      },
      note.wrap,
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('tplan.review')), form);
  }

  // ---- editing: the whole plan as a form; saving sends it as the next version ----

  function planEditor(tp: TreatmentPlan): HTMLElement {
    const staffIds = [
      state.user!.id,
      episode?.care_team.primary_therapist_id,
      episode?.care_team.psychiatrist_id,
      ...(episode?.care_team.program_staff_ids ?? []),
      ...(tp.plan?.problems ?? []).flatMap((p) => p.goals.flatMap((g) => g.interventions.map((x) => x.responsible_id))),
    ].filter((x): x is string => !!x);
    const status = h('div', { tabindex: '-1' });
    const problems = h('ol', { class: 'plain tp-edit-problems' });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('tplan.save'));
    let staffOptions: { value: string; label: string }[] = [];

    const input = (label: string, path: string, value: string, type = 'text') => {
      const id = uid('tp');
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, label),
        h('input', { id, type, value, 'data-path': path, autocomplete: 'off' }),
      );
    };
    const remove = (label: string, onclick: () => void) => h('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick }, label);

    // The editor keeps a model and redraws from it; inputs write back on input.
    const model: PlanContent = JSON.parse(JSON.stringify(tp.plan ?? { problems: [] }));
    if (!model.problems.length) model.problems.push(emptyProblem());

    function emptyObjective(): Objective {
      return { text: '', measure: '', target_date: '' };
    }
    function emptyGoal(): Goal {
      return { text: '', objectives: [emptyObjective()], interventions: [] };
    }
    function emptyProblem() {
      return { text: '', goals: [emptyGoal()] };
    }

    function draw(focusPath?: string): void {
      problems.replaceChildren(
        ...model.problems.map((p, i) => {
          const pp = `problems[${i}]`;
          return h(
            'li',
            { class: 'tp-edit-problem' },
            h(
              'fieldset',
              null,
              h('legend', null, t('tplan.problem_n', { n: i + 1 })),
              bind(input(t('tplan.problem_text'), `${pp}.text`, p.text), (v) => (p.text = v)),
              h(
                'ol',
                { class: 'plain tp-edit-goals' },
                p.goals.map((g, j) => {
                  const gp = `${pp}.goals[${j}]`;
                  return h(
                    'li',
                    null,
                    h(
                      'fieldset',
                      null,
                      h('legend', null, t('tplan.goal_n', { n: j + 1 })),
                      bind(input(t('tplan.goal_text'), `${gp}.text`, g.text), (v) => (g.text = v)),
                      h(
                        'fieldset',
                        { class: 'tp-sub' },
                        h('legend', null, t('tplan.objectives')),
                        g.objectives.map((o, k) => {
                          const op = `${gp}.objectives[${k}]`;
                          return h(
                            'div',
                            { class: 'tp-row' },
                            bind(input(t('tplan.objective_text'), `${op}.text`, o.text), (v) => (o.text = v)),
                            bind(input(t('tplan.measure'), `${op}.measure`, o.measure), (v) => (o.measure = v)),
                            bind(input(t('tplan.target_date'), `${op}.target_date`, o.target_date, 'date'), (v) => (o.target_date = v)),
                            metBox(o),
                            g.objectives.length > 1 ? remove(t('tplan.remove_objective', { n: k + 1 }), () => (g.objectives.splice(k, 1), draw(`${gp}.text`))) : null,
                          );
                        }),
                        h('button', { type: 'button', class: 'btn btn-small', onclick: () => (g.objectives.push(emptyObjective()), draw(`${gp}.objectives[${g.objectives.length - 1}].text`)) }, t('tplan.add_objective')),
                      ),
                      h(
                        'fieldset',
                        { class: 'tp-sub' },
                        h('legend', null, t('tplan.interventions')),
                        g.interventions.map((x, k) => {
                          const xp = `${gp}.interventions[${k}]`;
                          const sid = uid('tps');
                          const sel = h(
                            'select',
                            { id: sid, 'data-path': `${xp}.responsible_id`, onchange: (e: Event) => (x.responsible_id = (e.target as HTMLSelectElement).value) },
                            staffOptions.map((o) => h('option', { value: o.value, selected: o.value === x.responsible_id }, o.label)),
                          );
                          return h(
                            'div',
                            { class: 'tp-row' },
                            bind(input(t('tplan.intervention_text'), `${xp}.text`, x.text), (v) => (x.text = v)),
                            h('div', { class: 'field' }, h('label', { for: sid }, t('tplan.responsible')), sel),
                            remove(t('tplan.remove_intervention', { n: k + 1 }), () => (g.interventions.splice(k, 1), draw(`${gp}.text`))),
                          );
                        }),
                        h(
                          'button',
                          {
                            type: 'button',
                            class: 'btn btn-small',
                            onclick: () => (g.interventions.push({ text: '', responsible_id: state.user!.id }), draw(`${gp}.interventions[${g.interventions.length - 1}].text`)),
                          },
                          t('tplan.add_intervention'),
                        ),
                      ),
                      p.goals.length > 1 ? remove(t('tplan.remove_goal', { n: j + 1 }), () => (p.goals.splice(j, 1), draw(`${pp}.text`))) : null,
                    ),
                  );
                }),
              ),
              h('button', { type: 'button', class: 'btn btn-small', onclick: () => (p.goals.push(emptyGoal()), draw(`${pp}.goals[${p.goals.length - 1}].text`)) }, t('tplan.add_goal')),
              model.problems.length > 1 ? remove(t('tplan.remove_problem', { n: i + 1 }), () => (model.problems.splice(i, 1), draw())) : null,
            ),
          );
        }),
      );
      if (focusPath) problems.querySelector<HTMLElement>(`[data-path="${CSS.escape(focusPath)}"]`)?.focus();
    }

    function bind(wrap: HTMLElement, set: (v: string) => void): HTMLElement {
      wrap.querySelector('input')!.addEventListener('input', (e) => set((e.target as HTMLInputElement).value));
      return wrap;
    }
    function metBox(o: Objective): HTMLElement {
      const id = uid('tpm');
      return h(
        'div',
        { class: 'check' },
        h('input', { id, type: 'checkbox', checked: !!o.met, onchange: (e: Event) => (o.met = (e.target as HTMLInputElement).checked) }),
        h('label', { for: id }, t('tplan.met')),
      );
    }

    const form = h(
      'form',
      {
        class: 'stack tp-edit',
        novalidate: true,
        'data-testid': 'tplan-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          status.replaceChildren();
          form.querySelectorAll('.field-error').forEach((x) => x.remove());
          form.querySelectorAll('[aria-invalid]').forEach((x) => x.removeAttribute('aria-invalid'));
          try {
            await busy(save, () => api('PUT', `/patients/${q}/treatment-plan`, { version: tp.version, problems: model.problems }));
            await load(t('tplan.saved', { n: tp.version + 1 }));
            body.querySelector<HTMLElement>('.notice')?.setAttribute('tabindex', '-1');
            body.querySelector<HTMLElement>('.notice')?.focus();
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) {
              status.replaceChildren(conflictNotice(() => void load()));
              status.focus();
              return;
            }
            status.replaceChildren(notice('error', problemText(e)));
            let first: HTMLElement | null = null;
            if (e instanceof ApiError) {
              for (const fe of e.problem.errors ?? []) {
                const target = form.querySelector<HTMLElement>(`[data-path="${CSS.escape(fe.field)}"]`);
                if (!target) continue;
                const msg = fieldMessage(fe);
                const errId = uid('err');
                target.setAttribute('aria-invalid', 'true');
                target.setAttribute('aria-describedby', errId);
                target.closest('.field')!.append(h('p', { class: 'field-error', id: errId, lang: msg.lang }, msg.text));
                first ??= target;
              }
            }
            (first ?? status).focus();
          }
        },
      },
      h('p', { class: 'muted small' }, t('tplan.edit_note')),
      problems,
      h('button', { type: 'button', class: 'btn btn-small', onclick: () => (model.problems.push(emptyProblem()), draw(`problems[${model.problems.length - 1}].text`)) }, t('tplan.add_problem')),
      status,
      h('div', { class: 'actions' }, save),
    );
    void namesOf(staffIds).then((names) => {
      staffOptions = [...names].map(([value, label]) => ({ value, label }));
      draw();
    });
    return h('details', { class: 'edit', 'data-testid': 'tplan-edit' }, h('summary', null, tp.plan ? t('tplan.edit') : t('tplan.write')), form);
  }

  void load();
  return el;
}
