// Renders a check-in form or a measure from its server definition (GET /checkin-forms,
// GET /instruments/{id}): choices as large radio tiles, 0–10 ratings as a tappable scale,
// counts and hours as a stepper, "prefer not to answer" where the item allows it, and questions
// that appear only when their `show_if` condition holds. Native radios and inputs inside
// fieldsets, so the keyboard and screen readers work as usual.
import { h, uid, type Child } from './dom';
import { currentLang, t } from './i18n';
import { fmtNumber } from './format';
import { languageName } from './labels';
import type { Answer, Condition, FormDefinition, FormItem } from './types';
import { fieldMessage, notice } from './ui';
import type { FieldError } from './api';

export interface RenderedForm {
  el: HTMLFormElement;
  /** Shows errors next to the questions (`answers.<item>` paths from the server, or our own). */
  showErrors(errors: { item: string; text: string; lang?: string }[]): void;
}

export interface FormOptions {
  submitLabel: string;
  /** The "prefer not to answer" choice in other words (staff recording for a patient). */
  declinedLabel?: string;
  onSubmit: (answers: Record<string, Answer>) => Promise<void>;
}

export function holds(c: Condition, values: Map<string, Answer>): boolean {
  if ('any' in c) return c.any.some((x) => holds(x, values));
  if ('all' in c) return c.all.every((x) => holds(x, values));
  if ('declined' in c) return values.get(c.declined) === 'declined';
  const v = values.get(c.item);
  if (typeof v !== 'number') return false;
  switch (c.op) {
    case '==':
      return v === c.value;
    case '!=':
      return v !== c.value;
    case '>':
      return v > c.value;
    case '>=':
      return v >= c.value;
    case '<':
      return v < c.value;
    case '<=':
      return v <= c.value;
    default:
      return false;
  }
}

/**
 * An answer's error (`answers.<item>` from the server) in words for the person answering, by its
 * code: required, range {min,max}, one_of {allowed}, type {expected}, not_asked, not_declinable,
 * unknown_field. Anything else falls back to the general field messages.
 */
export function answerMessage(fe: FieldError): { text: string; lang?: string } {
  const p = fe.params ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? fmtNumber(v, 2) : String(v ?? ''));
  switch (fe.code) {
    case 'required':
    case 'empty':
      return { text: t('form.answer_this') };
    case 'range':
      return { text: t('form.answer_range', { min: n(p.min), max: n(p.max) }) };
    case 'one_of':
      return { text: t('form.answer_one_of') };
    case 'type':
      return { text: p.expected === 'number' ? t('form.answer_number') : t('form.answer_one_of') };
    case 'not_asked':
      return { text: t('form.answer_not_asked') };
    case 'not_declinable':
      return { text: t('form.answer_not_declinable') };
    case 'unknown_field':
      return { text: t('form.answer_unknown') };
  }
  return fieldMessage(fe);
}

/** A note when the questions are not in the reader's language or not the licensed wording. */
export function wordingNote(def: FormDefinition): HTMLElement | null {
  if (def.wording === 'fallback_en' && currentLang() !== 'en') {
    return notice('info', t('form.fallback_en', { language: languageName(currentLang()) }));
  }
  if (def.wording === 'labels_only') return notice('warning', t('form.labels_only'));
  return null;
}

interface ItemView {
  item: FormItem;
  wrap: HTMLElement;
  error: HTMLElement;
  focusTarget(): HTMLElement | null;
}

export function buildForm(def: FormDefinition, opts: FormOptions): RenderedForm {
  const values = new Map<string, Answer>();
  const views: ItemView[] = [];
  const english = def.wording === 'fallback_en' && currentLang() !== 'en' ? 'en' : undefined;
  const summary = h('div', { tabindex: '-1', class: 'form-summary' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block btn-large' }, opts.submitLabel);

  const visible = (): Set<string> => {
    // In order: a hidden question's answer never shows another question.
    const shown = new Set<string>();
    const seen = new Map<string, Answer>();
    for (const v of views) {
      if (!v.item.show_if || holds(v.item.show_if, seen)) {
        shown.add(v.item.id);
        const a = values.get(v.item.id);
        if (a !== undefined) seen.set(v.item.id, a);
      }
    }
    return shown;
  };
  const update = () => {
    const shown = visible();
    for (const v of views) v.wrap.hidden = !shown.has(v.item.id);
  };
  const set = (id: string, a: Answer | undefined) => {
    if (a === undefined) values.delete(id);
    else values.set(id, a);
    const v = views.find((x) => x.item.id === id);
    if (v && !v.error.hidden) clearError(v);
    update();
  };

  const declinedLabel = opts.declinedLabel ?? t('form.declined');
  for (const item of def.items) views.push(itemView(item, set, declinedLabel, english));

  const form = h(
    'form',
    {
      class: 'qform',
      novalidate: true,
      'data-testid': 'questionnaire',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        summary.replaceChildren();
        const shown = visible();
        const errors: { item: string; text: string }[] = [];
        const answers: Record<string, Answer> = {};
        for (const v of views) {
          if (!shown.has(v.item.id)) continue;
          const a = values.get(v.item.id);
          if (a === undefined) {
            if (v.item.required) errors.push({ item: v.item.id, text: t('form.answer_this') });
            continue;
          }
          if (typeof a === 'number' && v.item.type === 'number') {
            const lo = v.item.min ?? -Infinity;
            const hi = v.item.max ?? Infinity;
            if (Number.isNaN(a) || a < lo || a > hi || (v.item.integer && !Number.isInteger(a))) {
              errors.push({ item: v.item.id, text: t('err.range', { min: fmtNumber(lo), max: fmtNumber(hi) }) });
              continue;
            }
          }
          answers[v.item.id] = a;
        }
        if (errors.length) {
          rendered.showErrors(errors);
          return;
        }
        submit.disabled = true;
        submit.setAttribute('aria-busy', 'true');
        try {
          await opts.onSubmit(answers);
        } finally {
          submit.disabled = false;
          submit.removeAttribute('aria-busy');
        }
      },
    },
    def.instructions ? h('p', { class: 'q-instructions', lang: english }, def.instructions) : null,
    views.map((v) => v.wrap),
    summary,
    submit,
  );
  update();

  const rendered: RenderedForm = {
    el: form,
    showErrors(errors) {
      for (const v of views) clearError(v);
      let first: ItemView | null = null;
      for (const e of errors) {
        const v = views.find((x) => x.item.id === e.item);
        if (!v) continue;
        v.error.textContent = e.text;
        if (e.lang) v.error.lang = e.lang;
        v.error.hidden = false;
        v.wrap.classList.add('q-invalid');
        first ??= v;
      }
      summary.replaceChildren(notice('error', t('form.fix')));
      (first?.focusTarget() ?? summary).focus();
    },
  };
  return rendered;
}

function clearError(v: ItemView): void {
  v.error.hidden = true;
  v.error.textContent = '';
  v.wrap.classList.remove('q-invalid');
}

function itemView(item: FormItem, set: (id: string, a: Answer | undefined) => void, declinedLabel: string, english?: string): ItemView {
  const errId = uid('qe');
  const legendId = uid('ql');
  const error = h('p', { class: 'field-error q-error', id: errId, hidden: true });
  const legend = h('legend', { id: legendId, lang: english }, item.text, item.required ? null : h('span', { class: 'muted q-optional' }, ` (${t('form.optional')})`));
  const name = uid(`q-${item.id}`);
  let body: Child;
  let focusTarget: () => HTMLElement | null;

  const useScale = item.type === 'number' && !!item.anchors && item.integer && (item.max ?? 0) - (item.min ?? 0) <= 10;
  if (item.type === 'choice' || useScale) {
    const options: { value: Answer; label: string }[] =
      item.type === 'choice'
        ? (item.options ?? []).map((o) => ({ value: o.value, label: o.label }))
        : range(item.min ?? 0, item.max ?? 10).map((n) => ({ value: n, label: fmtNumber(n) }));
    if (item.allow_declined) options.push({ value: 'declined', label: declinedLabel });
    const short = item.type === 'choice' && options.length <= 3 && options.every((o) => o.label.length <= 14);
    const group = h(
      'div',
      { class: useScale ? 'scale' : short ? 'tiles tiles-row' : 'tiles' },
      options.map((o) => {
        const id = uid('qo');
        return h(
          'div',
          { class: `tile${o.value === 'declined' ? ' tile-declined' : ''}` },
          h('input', {
            id,
            type: 'radio',
            name,
            value: String(o.value),
            'data-item': item.id,
            onchange: () => set(item.id, o.value),
          }),
          // The definition's own labels share its language; "prefer not to answer" is ours.
          h('label', { for: id, lang: item.type === 'choice' && o.value !== 'declined' ? english : undefined }, o.label),
        );
      }),
    );
    const anchors =
      useScale && item.anchors
        ? h(
            'div',
            { class: 'scale-anchors', 'aria-hidden': 'true', lang: english },
            h('span', null, `${fmtNumber(item.min ?? 0)} = ${item.anchors[String(item.min ?? 0)] ?? ''}`),
            h('span', null, `${fmtNumber(item.max ?? 10)} = ${item.anchors[String(item.max ?? 10)] ?? ''}`),
          )
        : null;
    body = [group, anchors];
    focusTarget = () => group.querySelector<HTMLInputElement>('input');
  } else {
    // A stepper: type a number or use − and +.
    const step = item.integer ? 1 : 0.5;
    const inputId = uid('qn');
    const input = h('input', {
      id: inputId,
      type: 'number',
      inputmode: item.integer ? 'numeric' : 'decimal',
      min: item.min,
      max: item.max,
      step,
      'data-item': item.id,
      'aria-labelledby': legendId,
      oninput: () => {
        declined && (declined.checked = false);
        const v = input.value.trim();
        set(item.id, v === '' ? undefined : Number(v.replace(',', '.')));
      },
    });
    const bump = (dir: number) => {
      const cur = input.value === '' ? null : Number(input.value);
      let next = cur === null || Number.isNaN(cur) ? (item.min ?? 0) : cur + dir * step;
      next = Math.min(item.max ?? Infinity, Math.max(item.min ?? -Infinity, next));
      input.value = String(next);
      if (declined) declined.checked = false;
      set(item.id, next);
    };
    const declinedId = uid('qd');
    const declined = item.allow_declined
      ? h('input', {
          id: declinedId,
          type: 'checkbox',
          onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            if (on) input.value = '';
            set(item.id, on ? 'declined' : undefined);
          },
        })
      : null;
    body = [
      h(
        'div',
        { class: 'stepper' },
        h('button', { type: 'button', class: 'btn step-btn', 'aria-label': t('form.decrease'), 'aria-controls': inputId, onclick: () => bump(-1) }, '\u2212'),
        input,
        h('button', { type: 'button', class: 'btn step-btn', 'aria-label': t('form.increase'), 'aria-controls': inputId, onclick: () => bump(1) }, '+'),
      ),
      declined ? h('div', { class: 'check' }, declined, h('label', { for: declinedId }, declinedLabel)) : null,
    ];
    focusTarget = () => input;
  }

  const wrap = h(
    'fieldset',
    { class: 'q', 'data-item': item.id, 'aria-describedby': errId },
    legend,
    error,
    body,
  );
  return { item, wrap, error, focusTarget };
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}
