// Small, accessible building blocks: labelled fields, tables, messages.
import { h, uid, type Child, type Attrs } from './dom';
import { ApiError, type FieldError } from './api';
import { t, tp, type Key } from './i18n';
import { fmtNumber } from './format';

export interface Field<E extends HTMLElement = HTMLInputElement> {
  wrap: HTMLElement;
  input: E;
  setError(msg: string | null): void;
}

function withError<E extends HTMLElement>(wrap: HTMLElement, input: E, hintId: string | null): Field<E> {
  const errId = uid('err');
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  wrap.append(err);
  return {
    wrap,
    input,
    setError(msg) {
      if (msg) {
        err.textContent = msg;
        err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
      } else {
        err.textContent = '';
        err.hidden = true;
        input.removeAttribute('aria-invalid');
        if (hintId) input.setAttribute('aria-describedby', hintId);
        else input.removeAttribute('aria-describedby');
      }
    },
  };
}

export function textField(
  label: string,
  opts: Attrs & { hint?: string; value?: string | null } = {},
): Field {
  const id = uid();
  const { hint, value, ...attrs } = opts;
  const hintId = hint ? uid('hint') : null;
  const input = h('input', {
    id,
    type: 'text',
    ...attrs,
    value: value ?? '',
    'aria-describedby': hintId,
  });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, attrs.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint', id: hintId! }, hint) : null,
    input,
  );
  return withError(wrap, input, hintId);
}

export function textArea(label: string, opts: Attrs & { hint?: string; value?: string | null } = {}): Field<HTMLTextAreaElement> {
  const id = uid();
  const { hint, value, ...attrs } = opts;
  const hintId = hint ? uid('hint') : null;
  const input = h('textarea', { id, rows: 3, ...attrs, value: value ?? '', 'aria-describedby': hintId });
  const wrap = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, attrs.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p', { class: 'hint', id: hintId! }, hint) : null,
    input,
  );
  return withError(wrap, input, hintId);
}

export interface Option {
  value: string;
  label: string;
  lang?: string;
}

export function selectField(
  label: string,
  options: Option[],
  value: string | null | undefined,
  attrs: Attrs = {},
): Field<HTMLSelectElement> {
  const id = uid();
  const select = h(
    'select',
    { id, ...attrs },
    options.map((o) => h('option', { value: o.value, lang: o.lang, selected: o.value === value }, o.label)),
  );
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), select);
  return withError(wrap, select, null);
}

export function checkbox(label: string, checked: boolean, attrs: Attrs = {}): Field {
  const id = uid();
  const input = h('input', { id, type: 'checkbox', checked, ...attrs });
  const wrap = h('div', { class: 'check' }, input, h('label', { for: id }, label));
  return withError(wrap, input, null);
}

export function button(label: Child, onClick: (ev: MouseEvent) => void, attrs: Attrs = {}): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn', ...attrs, onclick: onClick }, label);
}

export function loading(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, t('common.loading'));
}

/** A page heading that receives focus after navigation (screen readers announce the page). */
export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1' }, text), ...extra);
}

/**
 * The window title for the screen: its heading, unless the heading names a patient. Titles end
 * up in browser history and tab lists, so a chart is titled "Patient chart", never the name.
 */
export function screenTitle(view: HTMLElement): string {
  const h1 = view.querySelector<HTMLElement>('h1');
  return `${h1?.dataset.windowTitle ?? h1?.textContent ?? ''} · Pomost`;
}

export function section(title: string, ...children: Child[]): HTMLElement {
  const id = uid('sec');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function dl(pairs: [string, Child][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    pairs.map(([k, v]) =>
      h('div', null, h('dt', null, k), h('dd', null, v === '' || v === null || v === undefined ? h('span', { class: 'muted' }, t('common.not_recorded')) : v)),
    ),
  );
}

export function table(caption: string, headers: string[], rows: Child[][], attrs: Attrs = {}): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap', ...attrs },
    h(
      'table',
      null,
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h(
        'tbody',
        null,
        rows.map((r) => h('tr', null, r.map((c) => h('td', null, c)))),
      ),
    ),
  );
}

export function notice(kind: 'info' | 'success' | 'warning' | 'error', ...children: Child[]): HTMLElement {
  return h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

// Older servers sent only English text; these patterns are the fallback when a code is missing.
const FIELD_MESSAGES: [RegExp, Key][] = [
  [/^(is required|must not be empty|must be a non-empty string)/, 'err.required'],
  [/^must be at least (\d+) characters$/, 'err.min_length'],
  [/^must be at most (\d+) characters$/, 'err.max_length'],
  [/^must be an e-mail address$/, 'err.email'],
  [/^must be a phone number$/, 'err.phone'],
  [/^must be a date YYYY-MM-DD$/, 'err.date'],
  [/^is already taken$/, 'err.taken'],
  [/^is not correct$/, 'err.incorrect'],
  [/commonly used password|simple sequence|common word|too few different characters/, 'err.weak_password'],
  [/^must not contain the username/, 'err.password_username'],
];

const num = (v: unknown) => (typeof v === 'number' ? fmtNumber(v, 2) : String(v ?? ''));

/** A field error in the interface language, by its code; else the server's English. */
export function fieldMessage(fe: FieldError | string): { text: string; lang?: string } {
  const e: FieldError = typeof fe === 'string' ? { field: '', message: fe } : fe;
  const p = e.params ?? {};
  switch (e.code) {
    case 'required':
    case 'empty':
      return { text: t('err.required') };
    case 'min_length':
      return { text: t('err.min_length', { n: num(p.min) }) };
    case 'max_length':
      return { text: t('err.max_length', { n: num(p.max) }) };
    case 'range':
      return { text: t('err.range', { min: num(p.min), max: num(p.max) }) };
    case 'one_of':
      return { text: t('err.one_of') };
    case 'type':
      return { text: t('err.type') };
    case 'date':
      return { text: t('err.date') };
    case 'timestamp':
      return { text: t('err.timestamp') };
    case 'email':
      return { text: t('err.email') };
    case 'phone':
      return { text: t('err.phone') };
    case 'unknown_field':
      return { text: t('err.unknown_field') };
    case 'taken':
      return { text: t('err.taken') };
    case 'incorrect':
      return { text: t('err.incorrect') };
    case 'future':
      return { text: t('err.future') };
    case 'past':
      return { text: t('err.past') };
    case 'invalid_code':
      return { text: t('err.invalid_code') };
    case 'weak_password':
      if (p.reason === 'username') return { text: t('err.password_username') };
      if (p.reason === 'too_short') return { text: t('err.min_length', { n: num(p.min) }) };
      return { text: t('err.weak_password') };
  }
  for (const [re, key] of FIELD_MESSAGES) {
    const m = re.exec(e.message);
    if (m) return { text: t(key, { n: m[1] ?? '' }) };
  }
  return { text: e.message, lang: 'en' };
}

/** A localized sentence for an API failure. */
export function problemText(e: unknown): string {
  if (!(e instanceof ApiError)) return t('err.unexpected');
  switch (e.status) {
    case 0:
      return t('err.network');
    case 403:
      return t('err.forbidden');
    case 404:
      return t('err.not_found');
    case 409:
      return e.problem.conflict?.kind === 'version' ? t('err.conflict_version') : t('err.conflict');
    case 422:
      return t('err.invalid');
    case 428:
      return t('err.conflict_version');
    case 429:
      return e.retryAfter ? tp('err.throttled', e.retryAfter) : t('err.throttled_later');
    default:
      return e.status >= 500 ? t('err.server') : t('err.unexpected');
  }
}

/**
 * Forms carry `novalidate`: the server validates, and its field errors are shown here, next to
 * each field and in the interface language (native bubbles would speak the browser's language).
 *
 * Shows an API failure: a summary at `summary`, and each field error next to its input
 * (`fields` maps the API's field path to the form field).
 */
export function showProblem(
  summary: HTMLElement,
  e: unknown,
  fields: Record<string, Field<HTMLElement>> = {},
  message: (fe: FieldError) => { text: string; lang?: string } = fieldMessage,
): void {
  for (const f of Object.values(fields)) f.setError(null);
  const list: HTMLElement[] = [];
  if (e instanceof ApiError) {
    for (const fe of e.problem.errors ?? []) {
      const msg = message(fe);
      const target = fields[fe.field] ?? fields[fe.field.split(/[.[]/)[0]];
      if (target) target.setError(msg.text);
      list.push(
        h('li', null, h('span', { class: 'field-name' }, target ? fieldLabel(target) : fe.field), ': ', h('span', { lang: msg.lang }, msg.text)),
      );
    }
  }
  summary.replaceChildren(notice('error', h('p', null, problemText(e)), list.length ? h('ul', null, list) : null));
  const firstInvalid = Object.values(fields).find((f) => f.input.getAttribute('aria-invalid') === 'true');
  (firstInvalid?.input ?? summary).focus?.();
}

function fieldLabel(f: Field<HTMLElement>): string {
  return f.wrap.querySelector('label')?.firstChild?.textContent ?? '';
}

export function clearProblem(summary: HTMLElement, fields: Record<string, Field<HTMLElement>> = {}): void {
  summary.replaceChildren();
  for (const f of Object.values(fields)) f.setError(null);
}

/** Disables a form's submit button while `work` runs. */
export async function busy<T>(btn: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
  }
}

/** "Skip to main content": moves focus without touching the URL (a #hash would add history). */
export function skipLink(): HTMLAnchorElement {
  return h(
    'a',
    {
      class: 'skip-link',
      href: '#main',
      onclick: (ev: MouseEvent) => {
        ev.preventDefault();
        const main = document.getElementById('main');
        (main?.querySelector<HTMLElement>('h1') ?? main)?.focus();
      },
    },
    t('nav.skip'),
  );
}
