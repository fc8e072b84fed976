// The treatment plan as a reader sees it: staff in the chart (with who is responsible for each
// intervention) and the patient in their app (without staff names).
import { h } from './dom';
import { t } from './i18n';
import { fmtDate } from './format';

export interface Objective {
  text: string;
  measure: string;
  target_date: string;
  met?: boolean;
}
export interface Goal {
  text: string;
  objectives: Objective[];
  interventions: { text: string; responsible_id: string }[];
}
export interface PlanContent {
  problems: { text: string; goals: Goal[] }[];
}
export interface TreatmentPlan {
  patient_id: string;
  version: number;
  plan: PlanContent | null;
  reviews: { version: number; user_id: string; note: string | null; at: string }[];
  acknowledgements: { version: number; user_id: string; at: string }[];
  next_review_due: string | null;
  acknowledged_current: boolean;
  versions: { version: number; created_by: string; created_at: string }[];
}

/** The plan as a reader sees it (staff and, without names, the patient). */
export function planView(plan: PlanContent, names: Map<string, string> | null, level: 3 | 4 = 3): HTMLElement {
  const hp = level === 3 ? 'h3' : 'h4';
  const hg = level === 3 ? 'h4' : 'h5';
  return h(
    'ol',
    { class: 'tplan', 'data-testid': 'tplan-view' },
    plan.problems.map((p, i) =>
      h(
        'li',
        { class: 'tplan-problem' },
        h(hp, null, t('tplan.problem_n', { n: i + 1 }), ': ', p.text),
        h(
          'ol',
          { class: 'tplan-goals' },
          p.goals.map((g, j) =>
            h(
              'li',
              null,
              h(hg, null, t('tplan.goal_n', { n: j + 1 }), ': ', g.text),
              h('p', { class: 'tplan-label' }, t('tplan.objectives')),
              h(
                'ul',
                { class: 'tplan-objectives' },
                g.objectives.map((o) =>
                  h(
                    'li',
                    null,
                    o.text,
                    h('span', { class: 'muted block small' }, t('tplan.objective_line', { measure: o.measure, date: fmtDate(o.target_date) })),
                    o.met ? h('span', { class: 'tag tag-ok' }, t('tplan.met')) : null,
                  ),
                ),
              ),
              g.interventions.length
                ? [
                    h('p', { class: 'tplan-label' }, t('tplan.interventions')),
                    h(
                      'ul',
                      { class: 'tplan-interventions' },
                      g.interventions.map((x) =>
                        h('li', null, x.text, names ? h('span', { class: 'muted block small' }, t('tplan.responsible_line', { who: names.get(x.responsible_id) ?? '' })) : null),
                      ),
                    ),
                  ]
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

