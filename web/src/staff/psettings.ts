// A program's settings (GET/PUT /programs/{id}/settings): crisis resources with their Polish and
// German wording, closures, the check-in cutoff, acknowledgement deadlines (the server refuses
// imminent > 15 and high > 60 minutes: safety floors), co-signature, and webhooks whose secrets
// are write-only (the server answers `secret_set`; a secret is never shown, only replaced).
import { h, uid } from '../dom';
import { api } from '../api';
import { t } from '../i18n';
import { languageName } from '../labels';
import type { CrisisResource, Program, ProgramSettings } from '../types';
import { button, checkbox, textArea, textField, type Field } from '../ui';
import { editorForm, groupField, numberField, numberValue, type EditorEvents } from './padmin';

const enc = encodeURIComponent;
const TRANSLATED = ['pl', 'de'] as const;

interface Row {
  el: HTMLElement;
  /** Field paths relative to the row ("name", "translations.pl.name"). */
  fields: Record<string, Field<HTMLElement>>;
  value(): Record<string, unknown>;
}

/** Rows that can be added and removed; each row's fields are named `${prefix}[i].${path}`. */
function rowList(opts: {
  legend: string;
  testid: string;
  addLabel: string;
  empty: string;
  initial: unknown[];
  make: (item: unknown) => Row;
  removeLabel: (i: number) => string;
  /** The text of a row's `.row-title`, by its number. */
  title?: (i: number) => string;
}) {
  const rows: Row[] = [];
  const list = h('div', { class: 'rows stack' });
  const emptyNote = h('p', { class: 'muted' }, opts.empty);
  const field = groupField(opts.legend, [list, emptyNote], { testid: opts.testid, bodyClass: 'row-list' });
  const redraw = () => {
    list.replaceChildren(
      ...rows.map((r, i) => {
        const remove = r.el.querySelector<HTMLButtonElement>('button.row-remove');
        remove?.setAttribute('aria-label', opts.removeLabel(i + 1));
        const head = r.el.querySelector('.row-title');
        if (head && opts.title) head.textContent = opts.title(i + 1);
        return r.el;
      }),
    );
    emptyNote.hidden = rows.length > 0;
  };
  const add = (item: unknown) => {
    const row = opts.make(item);
    row.el.append(
      h('div', { class: 'actions' },
        button(t('padmin.remove'), () => {
          const i = rows.indexOf(row);
          rows.splice(i, 1);
          redraw();
          (rows[i]?.el ?? addBtn).querySelector<HTMLElement>('input')?.focus() ?? addBtn.focus();
        }, { class: 'btn btn-small btn-quiet row-remove' }),
      ),
    );
    rows.push(row);
    redraw();
    return row;
  };
  const addBtn = button(opts.addLabel, () => {
    const row = add(null);
    row.el.querySelector<HTMLElement>('input, textarea')?.focus();
  }, { class: 'btn btn-small' });
  field.body.append(h('div', { class: 'actions' }, addBtn));
  for (const item of opts.initial) add(item);
  return {
    field,
    values: () => rows.map((r) => r.value()),
    fields: (prefix: string) => {
      const out: Record<string, Field<HTMLElement>> = { [prefix]: field };
      rows.forEach((r, i) => {
        for (const [k, f] of Object.entries(r.fields)) out[`${prefix}[${i}].${k}`] = f;
      });
      return out;
    },
  };
}

const trimmed = (f: Field<HTMLInputElement | HTMLTextAreaElement>) => f.input.value.trim();

function crisisRow(item: unknown): Row {
  const r = (item ?? {}) as CrisisResource;
  const title = uid('cr');
  const f: Record<string, Field<HTMLInputElement | HTMLTextAreaElement>> = {
    name: textField(t('settings.crisis_name'), { required: true, autocomplete: 'off', value: r.name }),
    phone: textField(t('settings.crisis_phone'), { type: 'tel', required: true, autocomplete: 'off', value: r.phone }),
    description: textArea(t('settings.crisis_description'), { rows: 2, value: r.description }),
  };
  const translated = TRANSLATED.map((l) => {
    const tr = r.translations?.[l] ?? {};
    const name = textField(t('settings.crisis_name_in', { language: languageName(l) }), { autocomplete: 'off', value: tr.name });
    const description = textArea(t('settings.crisis_description_in', { language: languageName(l) }), { rows: 2, value: tr.description });
    f[`translations.${l}.name`] = name;
    f[`translations.${l}.description`] = description;
    return { l, name, description };
  });
  const hasTranslation = translated.some((x) => x.name.input.value || x.description.input.value);
  const el = h(
    'div',
    { class: 'row-card', role: 'group', 'aria-labelledby': title, 'data-testid': 'crisis-row' },
    h('h4', { id: title, class: 'row-title' }),
    h('div', { class: 'form-grid' }, f.name.wrap, f.phone.wrap),
    f.description.wrap,
    h(
      'details',
      { class: 'translations', open: hasTranslation },
      h('summary', null, t('settings.translations')),
      h('p', { class: 'hint' }, t('settings.translations_hint')),
      translated.map((x) => h('div', { class: 'form-grid' }, x.name.wrap, x.description.wrap)),
    ),
  );
  return {
    el,
    fields: f,
    value() {
      const out: Record<string, unknown> = { name: trimmed(f.name), phone: trimmed(f.phone) };
      if (trimmed(f.description)) out.description = trimmed(f.description);
      if (r.language) out.language = r.language;
      const translations: Record<string, Record<string, string>> = {};
      for (const x of translated) {
        const one: Record<string, string> = {};
        if (trimmed(x.name)) one.name = trimmed(x.name);
        if (trimmed(x.description)) one.description = trimmed(x.description);
        if (Object.keys(one).length) translations[x.l] = one;
      }
      // A translation into English, if one was set through the API, is kept as it was.
      if (r.translations?.en) translations.en = r.translations.en as Record<string, string>;
      if (Object.keys(translations).length) out.translations = translations;
      return out;
    },
  };
}

function closureRow(item: unknown): Row {
  const c = (item ?? {}) as { date?: string; reason?: string };
  const f = {
    date: textField(t('settings.closure_date'), { type: 'date', required: true, value: c.date }),
    reason: textField(t('settings.closure_reason'), { autocomplete: 'off', value: c.reason }),
  };
  return {
    el: h('div', { class: 'row-card form-grid', 'data-testid': 'closure-row' }, f.date.wrap, f.reason.wrap),
    fields: f,
    value() {
      const out: Record<string, unknown> = { date: f.date.input.value };
      if (trimmed(f.reason)) out.reason = trimmed(f.reason);
      return out;
    },
  };
}

function webhookRow(item: unknown): Row {
  const w = (item ?? {}) as { url?: string; secret_set?: boolean };
  const set = !!w.secret_set;
  const f = {
    url: textField(t('settings.webhook_url'), { type: 'url', required: true, autocomplete: 'off', spellcheck: 'false', value: w.url, hint: t('settings.webhook_url_hint') }),
    secret: textField(set ? t('settings.webhook_secret_replace') : t('settings.webhook_secret'), {
      type: 'password',
      autocomplete: 'new-password',
      required: !set,
      hint: set ? t('settings.webhook_secret_keep_hint') : t('settings.webhook_secret_hint'),
    }),
  };
  return {
    el: h(
      'div',
      { class: 'row-card', 'data-testid': 'webhook-row' },
      set ? h('p', null, h('span', { class: 'tag tag-ok', 'data-testid': 'secret-set' }, t('settings.secret_set'))) : null,
      h('div', { class: 'form-grid' }, f.url.wrap, f.secret.wrap),
    ),
    fields: f,
    value() {
      // Without a new secret the server keeps the stored one of the same URL.
      const out: Record<string, unknown> = { url: trimmed(f.url) };
      if (f.secret.input.value) out.secret = f.secret.input.value;
      return out;
    },
  };
}

export function settingsForm(program: Program, settings: ProgramSettings, on: EditorEvents): HTMLFormElement {
  const crisis = rowList({
    legend: t('programs.crisis_resources'),
    testid: 'crisis-rows',
    addLabel: t('settings.add_crisis'),
    empty: t('programs.no_crisis_resources'),
    initial: settings.crisis_resources ?? [],
    make: crisisRow,
    removeLabel: (n) => t('settings.remove_crisis', { n }),
    title: (n) => t('settings.crisis_line', { n }),
  });
  const closures = rowList({
    legend: t('settings.closures'),
    testid: 'closure-rows',
    addLabel: t('settings.add_closure'),
    empty: t('settings.no_closures'),
    initial: settings.closures ?? [],
    make: closureRow,
    removeLabel: (n) => t('settings.remove_closure', { n }),
  });
  const hooks = rowList({
    legend: t('settings.webhooks'),
    testid: 'webhook-rows',
    addLabel: t('settings.add_webhook'),
    empty: t('settings.no_webhooks'),
    initial: settings.webhooks ?? [],
    make: webhookRow,
    removeLabel: (n) => t('settings.remove_webhook', { n }),
  });
  const d = settings.ack_deadlines_minutes ?? {};
  const f = {
    checkin_cutoff: textField(t('programs.checkin_cutoff'), {
      type: 'time',
      step: 60,
      value: settings.measurement_schedule?.checkin_cutoff,
      hint: t('settings.cutoff_hint', { tz: program.time_zone }),
    }),
    imminent: numberField(t('settings.ack_imminent'), d.imminent, { min: 1, max: 15, hint: t('settings.ack_floor_hint', { max: 15 }) }),
    high: numberField(t('settings.ack_high'), d.high, { min: 1, max: 60, hint: t('settings.ack_floor_hint', { max: 60 }) }),
    warning: numberField(t('settings.ack_warning'), d.warning, { min: 1, max: 10080 }),
    cosignature: checkbox(t('programs.cosignature'), settings.cosignature_required ?? true),
  };
  const fields = (): Record<string, Field<HTMLElement>> => ({
    ...crisis.fields('crisis_resources'),
    ...closures.fields('closures'),
    ...hooks.fields('webhooks'),
    'measurement_schedule.checkin_cutoff': f.checkin_cutoff,
    'ack_deadlines_minutes.imminent': f.imminent,
    'ack_deadlines_minutes.high': f.high,
    'ack_deadlines_minutes.warning': f.warning,
    ack_deadlines_minutes: f.imminent,
    cosignature_required: f.cosignature,
  });
  const deadlines = groupField(t('programs.ack_deadlines'), [f.imminent.wrap, f.high.wrap, f.warning.wrap], { bodyClass: 'form-grid' });

  return editorForm({
    title: t('settings.edit_title', { name: program.name }),
    testid: 'settings-form',
    submitLabel: t('settings.save'),
    content: [
      crisis.field.wrap,
      deadlines.wrap,
      h('div', { class: 'form-grid' }, f.checkin_cutoff.wrap),
      f.cosignature.wrap,
      closures.field.wrap,
      hooks.field.wrap,
    ],
    fields,
    cancel: on.cancel,
    reload: async () => settingsForm(program, await api<ProgramSettings>('GET', `/programs/${enc(program.id)}/settings`), on),
    submit: async () => {
      const ack: Record<string, unknown> = {};
      for (const k of ['imminent', 'high', 'warning'] as const) {
        const v = numberValue(f[k].input);
        if (v !== undefined) ack[k] = v;
      }
      const body: Record<string, unknown> = {
        version: settings.version,
        crisis_resources: crisis.values(),
        closures: closures.values(),
        webhooks: hooks.values(),
        ack_deadlines_minutes: ack,
        cosignature_required: f.cosignature.input.checked,
      };
      if (f.checkin_cutoff.input.value) body.measurement_schedule = { checkin_cutoff: f.checkin_cutoff.input.value };
      await api<ProgramSettings>('PUT', `/programs/${enc(program.id)}/settings`, body);
      await on.saved(t('settings.saved', { name: program.name }));
    },
  });
}
