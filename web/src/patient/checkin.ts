// The daily check-in and the measures that are due, for a patient on a phone. After sending,
// a high-risk answer brings the crisis numbers and the safety plan at once — from the answer
// itself, with no further request. A refused submission (422) whose safety answer was still
// recorded carries them too, and they are shown before the questions to fix.
import { h, mount } from '../dom';
import { ApiError, api, keyPerBody } from '../api';
import { t } from '../i18n';
import { answerMessage, buildForm, wordingNote, type RenderedForm } from '../forms';
import { link, navigate } from '../router';
import { safetyPlanView } from '../safetyplan';
import { state } from '../state';
import type { Answer, CrisisResource, FormDefinition, SafetyPlanContent, SubmissionAnswer } from '../types';
import { loading, notice, pageTitle, problemText, section } from '../ui';
import { crisisList, resourcesFor } from './crisis';
import { loadMyPlan, myPlan, setMyPlan } from './plan';

const pid = () => encodeURIComponent(state.me!.patient_id!);

export async function renderCheckin(root: HTMLElement): Promise<void> {
  const body = h('div', null, loading());
  root.append(body);
  let def: FormDefinition;
  try {
    def = await api<FormDefinition>('GET', '/checkin-forms');
  } catch (e) {
    mount(body, pageTitle(t('checkin.title')), notice('error', problemText(e)));
    return;
  }
  const key = keyPerBody();
  showForm(root, body, def, t('checkin.title'), t('checkin.send'), (answers) =>
    api<SubmissionAnswer>('POST', `/patients/${pid()}/checkins`, { answers }, { idempotencyKey: key(answers) }),
  );
}

export async function renderMeasure(root: HTMLElement): Promise<void> {
  const id = state.selectedInstrument;
  const body = h('div', null, loading());
  root.append(body);
  if (!id) {
    mount(body, pageTitle(t('measure.title')), notice('info', t('measure.none_selected')), link('/', { class: 'btn' }, t('result.home')));
    return;
  }
  let def: FormDefinition;
  try {
    def = await api<FormDefinition>('GET', `/instruments/${encodeURIComponent(id)}`);
  } catch (e) {
    mount(body, pageTitle(t('measure.title')), notice('error', problemText(e)));
    return;
  }
  const key = keyPerBody();
  showForm(root, body, def, def.title, t('measure.send'), (answers) =>
    api<SubmissionAnswer>('POST', `/patients/${pid()}/assessments`, { instrument: id, answers }, { idempotencyKey: key(answers) }),
  );
}

function showForm(
  root: HTMLElement,
  body: HTMLElement,
  def: FormDefinition,
  title: string,
  submitLabel: string,
  send: (answers: Record<string, Answer>) => Promise<SubmissionAnswer>,
): void {
  const urgent = h('div');
  const problems = h('div', { tabindex: '-1' });
  let form: RenderedForm;
  form = buildForm(def, {
    submitLabel,
    onSubmit: async (answers) => {
      problems.replaceChildren();
      try {
        const r = await send(answers);
        showResult(root, r.crisis_resources, r.safety_plan);
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) {
          // A safety answer was recorded even though something else needs fixing: help first.
          if (e.problem.crisis_resources?.length) {
            setMyPlan((e.problem.safety_plan as SafetyPlanContent | null | undefined) ?? undefined);
            urgent.replaceChildren(crisisBlock(e.problem.crisis_resources, (e.problem.safety_plan as SafetyPlanContent | null) ?? myPlan() ?? null, 'h2'));
          }
          const errs = (e.problem.errors ?? [])
            .filter((fe) => fe.field.startsWith('answers.'))
            .map((fe) => {
              const m = answerMessage(fe);
              return { item: fe.field.slice('answers.'.length), text: m.text, lang: m.lang };
            });
          if (errs.length) form.showErrors(errs);
          else problems.replaceChildren(notice('error', problemText(e)));
          if (e.problem.crisis_resources?.length) urgent.querySelector<HTMLElement>('h2')?.focus();
        } else {
          problems.replaceChildren(notice('error', problemText(e)));
          problems.focus();
        }
      }
    },
  });
  const head = pageTitle(title);
  if (def.id === 'checkin' || def.id.startsWith('checkin_')) head.querySelector('h1')!.dataset.windowTitle = t('checkin.title');
  mount(body, urgent, head, wordingNote(def), problems, form.el);
}

/** The crisis numbers and the safety plan, as large as the screen allows. */
function crisisBlock(resources: CrisisResource[], plan: SafetyPlanContent | null, level: 'h1' | 'h2'): HTMLElement {
  const list = resourcesFor(resources);
  return h(
    'section',
    { class: 'crisis-now', 'aria-labelledby': 'crisis-now-title', 'data-testid': 'crisis-now' },
    h(level, { id: 'crisis-now-title', tabindex: '-1' }, t('result.crisis_title')),
    h('p', { class: 'crisis-now-lead' }, t('result.crisis_lead')),
    crisisList(list.length ? list : resources),
    h('p', { class: 'crisis-now-danger' }, h('strong', null, t('crisis.danger'))),
    plan ? h('div', { class: 'crisis-plan' }, h('h2', null, t('crisis.safety_plan')), safetyPlanView(plan, true)) : null,
  );
}

function showResult(root: HTMLElement, resources: CrisisResource[] | undefined, plan: SafetyPlanContent | null | undefined): void {
  setMyPlan(plan);
  if (plan === undefined) void loadMyPlan();
  const view = h('div');
  if (resources?.length) {
    mount(
      view,
      crisisBlock(resources, plan ?? myPlan() ?? null, 'h1'),
      section(t('result.sent_title'), h('p', null, t('result.sent_crisis')), link('/', { class: 'btn btn-block' }, t('result.home'))),
    );
  } else {
    mount(
      view,
      pageTitle(t('result.thanks_title')),
      notice('success', t('result.thanks')),
      h('p', null, t('result.help_reminder')),
      link('/', { class: 'btn btn-primary btn-block btn-large', 'data-testid': 'result-home' }, t('result.home')),
    );
  }
  root.replaceChildren(view);
  const h1 = view.querySelector<HTMLElement>('h1');
  if (h1) {
    h1.dataset.windowTitle = resources?.length ? t('result.crisis_title') : t('result.thanks_title');
    document.title = `${h1.dataset.windowTitle} · Pomost`;
    h1.focus();
  }
  window.scrollTo(0, 0);
}

export function openMeasure(id: string): void {
  state.selectedInstrument = id;
  navigate('/measure');
}
