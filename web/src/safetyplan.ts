// The safety plan (Stanley–Brown steps) as a reader sees it: the patient on the Help screen, and
// staff in the chart and the crisis view. Phone numbers are tel: links.
import { h, uid, type Child } from './dom';
import { t, type Key } from './i18n';
import { telHref } from './patient/crisis';
import type { Contact, SafetyPlanContent } from './types';

export const LIST_STEPS = ['warning_signs', 'internal_coping', 'making_environment_safe', 'reasons_for_living'] as const;
export const CONTACT_STEPS = ['social_distractions', 'people_to_ask_for_help', 'professionals_and_agencies'] as const;
/** The order of the plan, as it is worked through in a crisis. */
export const STEPS = [
  'warning_signs',
  'internal_coping',
  'social_distractions',
  'people_to_ask_for_help',
  'professionals_and_agencies',
  'making_environment_safe',
  'reasons_for_living',
] as const;
export type Step = (typeof STEPS)[number];

const TITLES: Record<Step, Key> = {
  warning_signs: 'plan.warning_signs',
  internal_coping: 'plan.internal_coping',
  social_distractions: 'plan.social_distractions',
  people_to_ask_for_help: 'plan.people_to_ask_for_help',
  professionals_and_agencies: 'plan.professionals_and_agencies',
  making_environment_safe: 'plan.making_environment_safe',
  reasons_for_living: 'plan.reasons_for_living',
};
export const stepTitle = (s: Step) => t(TITLES[s]);

export const isContactStep = (s: Step): s is (typeof CONTACT_STEPS)[number] => (CONTACT_STEPS as readonly string[]).includes(s);

export function contactItem(c: Contact): HTMLElement {
  return h(
    'li',
    { class: 'contact' },
    h('div', { class: 'contact-text' }, h('span', { class: 'contact-name' }, c.name), c.note ? h('span', { class: 'muted small' }, c.note) : null),
    c.phone
      ? h(
          'a',
          { class: 'btn btn-call-soft', href: telHref(c.phone), 'aria-label': t('crisis.call_aria', { name: c.name, phone: c.phone }) },
          h('span', { 'aria-hidden': 'true' }, '\u260E '),
          c.phone,
        )
      : null,
  );
}

/** The plan's steps, numbered. `skipEmpty`: a patient sees only what was written. */
export function safetyPlanView(plan: SafetyPlanContent | null, skipEmpty: boolean, headingLevel: 'h4' | 'h3' | 'h2' = 'h3'): HTMLElement {
  const steps: Child[] = [];
  STEPS.forEach((s, i) => {
    const values = (plan?.[s] ?? []) as (string | Contact)[];
    if (skipEmpty && !values.length) return;
    const id = uid('step');
    steps.push(
      h(
        'li',
        { class: 'plan-step', 'aria-labelledby': id },
        h(headingLevel, { id, class: 'plan-step-title' }, h('span', { class: 'plan-step-n', 'aria-hidden': 'true' }, `${i + 1}`), stepTitle(s)),
        values.length
          ? isContactStep(s)
            ? h('ul', { class: 'contacts' }, (values as Contact[]).map(contactItem))
            : h('ul', { class: 'plan-items' }, (values as string[]).map((v) => h('li', null, v)))
          : h('p', { class: 'muted' }, t('plan.step_empty')),
      ),
    );
  });
  return h('ol', { class: 'plan', 'data-testid': 'safety-plan' }, steps);
}
