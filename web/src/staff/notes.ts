// The chart's notes (a chunk of its own): the patient's notes, newest first — a group note with
// its shared part and this patient's own entry only — and writing them: DAP and SOAP notes
// (therapist), psychiatric notes (psychiatrist), check-in notes (program staff). A draft is edited
// with its version; signing locks it; a signed note takes addenda only; a note by unlicensed staff
// waits for a licensed clinician's co-signature. A note written over 24 hours after the service
// is marked "late entry".
import { h, mount, uid, type Child } from '../dom';
import { ApiError, api } from '../api';
import { t, type Key } from '../i18n';
import { fmtDateTime, fmtShortDateTime, localInputToIso } from '../format';
import { state } from '../state';
import { busy, clearProblem, loading, notice, problemText, section, selectField, showProblem, textArea, textField, type Field } from '../ui';
import { conflictNotice, namesOf, notForMe, prescribes, refusalText, writesChart } from './recordkit';

export interface Note {
  id: string;
  kind: string;
  program_id: string;
  patient_id: string | null;
  session_id: string | null;
  group_id: string | null;
  author_id: string;
  status: 'draft' | 'signed';
  occurred_at: string;
  created_at: string;
  late: boolean;
  content: Record<string, string>;
  entry?: { patient_id: string; text: string } | null;
  content_hash: string | null;
  signed_by: string | null;
  signed_at: string | null;
  cosign_required: boolean;
  cosign_due_at: string | null;
  cosigned_by: string | null;
  cosigned_at: string | null;
  version: number;
  addenda: { id: string; author_id: string; text: string; created_at: string }[];
}

const FIELDS: Record<string, string[]> = {
  individual_dap: ['data', 'assessment', 'plan'],
  individual_soap: ['subjective', 'objective', 'assessment', 'plan'],
  psychiatric: ['subjective', 'mental_status', 'assessment', 'plan'],
  checkin: ['text'],
  group: ['topic', 'body'],
};

const FIELD_LABELS: Record<string, Key> = {
  data: 'notes.f_data',
  assessment: 'notes.f_assessment',
  plan: 'notes.f_plan',
  subjective: 'notes.f_subjective',
  objective: 'notes.f_objective',
  mental_status: 'notes.f_mental_status',
  text: 'notes.f_text',
  topic: 'notes.f_topic',
  body: 'notes.f_body',
};
const fieldLabel = (f: string) => (FIELD_LABELS[f] ? t(FIELD_LABELS[f]) : f);

const KIND_LABELS: Record<string, Key> = {
  individual_dap: 'notes.kind_dap',
  individual_soap: 'notes.kind_soap',
  psychiatric: 'notes.kind_psychiatric',
  checkin: 'notes.kind_checkin',
  group: 'notes.kind_group',
};
export const noteKindLabel = (k: string) => (KIND_LABELS[k] ? t(KIND_LABELS[k]) : k);

/** The kinds the user's role writes (the server decides for which patients). */
function writableKinds(): string[] {
  const r = state.user?.role;
  const kinds: string[] = [];
  if (writesChart()) kinds.push('individual_dap', 'individual_soap');
  if (prescribes()) kinds.push('psychiatric');
  if (r === 'program_staff' || r === 'therapist' || r === 'clinical_director') kinds.push('checkin');
  // The psychiatrist's own note first.
  if (r === 'psychiatrist') return ['psychiatric', 'individual_dap', 'individual_soap'];
  return kinds;
}

const CLINICAL = new Set(['therapist', 'psychiatrist', 'clinical_director']);
const mayCosign = () => !!state.user?.licensed && CLINICAL.has(state.user.role);

// Notes written in this tab (in memory only). Program staff do not read the chart's notes, but they
// sign and follow the check-in notes they wrote themselves.
const writtenHere = new Map<string, Set<string>>();

export function notesCard(patientId: string, tz: string | undefined, changed: () => void = () => {}): HTMLElement {
  const body = h('div', { class: 'stack' }, loading());
  const el = section(t('notes.title'), body);
  el.dataset.testid = 'notes-card';
  const flash = h('div', { tabindex: '-1' });
  const q = encodeURIComponent(patientId);

  async function load(message?: string, focusId?: string): Promise<void> {
    let notes: Note[];
    try {
      notes = (await api<{ items: Note[] }>('GET', `/patients/${q}/notes`)).items;
    } catch (e) {
      if (notForMe(e) && writableKinds().length === 0) {
        el.remove();
        return;
      }
      notes = [];
      if (!notForMe(e)) {
        body.replaceChildren(notice('error', problemText(e)));
        return;
      }
    }
    const mine = [...(writtenHere.get(patientId) ?? [])].filter((id) => !notes.some((n) => n.id === id));
    if (mine.length) {
      const extra = await Promise.all(mine.map((id) => api<Note>('GET', `/notes/${encodeURIComponent(id)}`).catch(() => null)));
      notes.push(...extra.filter((n): n is Note => !!n));
    }
    notes.sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at) || b.created_at.localeCompare(a.created_at));
    const names = await namesOf(notes.flatMap((n) => [n.author_id, n.signed_by, n.cosigned_by, ...n.addenda.map((a) => a.author_id)]));
    const kinds = writableKinds();
    flash.replaceChildren(message ? notice('success', message) : '');
    mount(
      body,
      flash,
      kinds.length ? writeForm(kinds) : null,
      notes.length
        ? h('ol', { class: 'plain notes', 'data-testid': 'notes-list' }, notes.map((n) => h('li', null, noteView(n, names))))
        : h('p', { class: 'muted' }, t('notes.none')),
    );
    if (focusId) body.querySelector<HTMLElement>(`[data-note="${CSS.escape(focusId)}"] h3`)?.focus();
    else if (message) flash.focus();
  }

  function remember(id: string): void {
    if (!writtenHere.has(patientId)) writtenHere.set(patientId, new Set());
    writtenHere.get(patientId)!.add(id);
  }

  // ---- writing ----

  function writeForm(kinds: string[]): HTMLElement {
    const kind = selectField(t('notes.kind'), kinds.map((k) => ({ value: k, label: noteKindLabel(k) })), kinds[0], { 'data-testid': 'note-kind' });
    const when = textField(t('notes.occurred_at'), { type: 'datetime-local', hint: t('notes.occurred_hint') });
    const box = h('div', { class: 'stack' });
    const status = h('div', { tabindex: '-1' });
    let fields: Record<string, Field<HTMLElement>> = {};
    const drawFields = () => {
      fields = {};
      for (const f of FIELDS[kind.input.value] ?? []) fields[f] = textArea(fieldLabel(f), { rows: f === 'text' ? 3 : 3, required: true, 'data-field': f });
      box.replaceChildren(...Object.values(fields).map((f) => f.wrap));
    };
    kind.input.addEventListener('change', drawFields);
    drawFields();
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('notes.save_draft'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'note-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          const all = { ...fields, occurred_at: when } as Record<string, Field<HTMLElement>>;
          clearProblem(status, all);
          const b: Record<string, unknown> = { kind: kind.input.value, patient_id: patientId };
          for (const [f, fld] of Object.entries(fields)) b[f] = (fld.input as HTMLTextAreaElement).value.trim();
          const at = localInputToIso(when.input.value);
          if (at) b.occurred_at = at;
          try {
            const n = await busy(save, () => api<Note>('POST', '/notes', b));
            remember(n.id);
            form.reset();
            drawFields();
            changed();
            await load(t('notes.saved_draft'), n.id);
          } catch (e) {
            if (e instanceof ApiError && e.status === 403) status.replaceChildren(notice('error', refusalText(e).text));
            else showProblem(status, e, all);
          }
        },
      },
      h('div', { class: 'form-grid' }, kind.wrap, when.wrap),
      box,
      h('p', { class: 'muted small' }, t('notes.draft_hint')),
      status,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit', 'data-testid': 'note-write' }, h('summary', null, t('notes.write')), form);
  }

  // ---- one note ----

  function noteView(n: Note, names: Map<string, string>): HTMLElement {
    const headId = uid('nt');
    const me = state.user!.id;
    const author = names.get(n.author_id) ?? '';
    const tags: Child[] = [];
    tags.push(n.status === 'draft' ? h('span', { class: 'tag tag-warn' }, t('notes.draft')) : h('span', { class: 'tag tag-ok' }, t('notes.signed')));
    if (n.late) tags.push(h('span', { class: 'tag tag-late', title: t('notes.late_hint') }, t('notes.late')));
    if (n.cosign_required && !n.cosigned_at) tags.push(h('span', { class: 'tag tag-warn' }, t('notes.needs_cosign')));
    if (n.cosigned_at) tags.push(h('span', { class: 'tag tag-ok' }, t('notes.cosigned')));
    const fields = FIELDS[n.kind] ?? Object.keys(n.content);
    const status = h('div', { tabindex: '-1' });
    const actions: Child[] = [];

    if (n.status === 'draft') {
      if (n.author_id === me) {
        actions.push(
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-primary btn-small',
              onclick: async (ev: MouseEvent) => {
                const btn = ev.currentTarget as HTMLButtonElement;
                try {
                  const signed = await busy(btn, () => api<Note>('POST', `/notes/${encodeURIComponent(n.id)}/sign`));
                  changed();
                  await load(signed.cosign_required ? t('notes.signed_needs_cosign') : t('notes.signed_done'), n.id);
                } catch (e) {
                  const r = refusalText(e);
                  status.replaceChildren(notice('error', h('p', { lang: r.lang }, r.text)));
                  status.focus();
                }
              },
            },
            t('notes.sign'),
          ),
          editForm(n, status),
        );
      } else {
        actions.push(h('p', { class: 'muted small' }, t('notes.draft_of', { who: author })));
      }
    } else {
      if (n.cosign_required && !n.cosigned_at && mayCosign() && n.author_id !== me && n.signed_by !== me) {
        actions.push(
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-primary btn-small',
              onclick: async (ev: MouseEvent) => {
                const btn = ev.currentTarget as HTMLButtonElement;
                try {
                  await busy(btn, () => api<Note>('POST', `/notes/${encodeURIComponent(n.id)}/cosign`));
                  changed();
                  await load(t('notes.cosigned_done'), n.id);
                } catch (e) {
                  const r = refusalText(e);
                  status.replaceChildren(notice('error', h('p', { lang: r.lang }, r.text)));
                  status.focus();
                }
              },
            },
            t('notes.cosign'),
          ),
        );
      }
      if (writableKinds().length) actions.push(addendumForm(n, status));
    }

    return h(
      'article',
      { class: `note note-${n.status}`, 'aria-labelledby': headId, 'data-note': n.id, 'data-testid': 'note' },
      h('h3', { id: headId, tabindex: '-1', class: 'note-title' }, `${noteKindLabel(n.kind)} · ${fmtDateTime(n.occurred_at, tz)}`),
      h('p', { class: 'note-meta' }, tags.flatMap((x) => [x, ' ']), h('span', { class: 'muted small' }, t('notes.by', { who: author }))),
      h(
        'dl',
        { class: 'note-body' },
        fields.map((f) => h('div', null, h('dt', null, fieldLabel(f)), h('dd', null, n.content[f] ?? ''))),
        n.kind === 'group'
          ? h('div', { class: 'note-entry' }, h('dt', null, t('notes.entry')), h('dd', null, n.entry?.text ?? h('span', { class: 'muted' }, t('notes.no_entry'))))
          : null,
      ),
      h(
        'p',
        { class: 'muted small note-trail' },
        n.signed_at ? t('notes.signed_line', { who: names.get(n.signed_by ?? '') ?? '', when: fmtShortDateTime(n.signed_at, tz) }) : t('notes.written_line', { when: fmtShortDateTime(n.created_at, tz) }),
        n.late ? ` · ${t('notes.late_line', { when: fmtShortDateTime(n.created_at, tz) })}` : '',
        n.cosigned_at ? ` · ${t('notes.cosigned_line', { who: names.get(n.cosigned_by ?? '') ?? '', when: fmtShortDateTime(n.cosigned_at, tz) })}` : '',
        n.cosign_required && !n.cosigned_at && n.cosign_due_at ? ` · ${t('notes.cosign_due', { when: fmtShortDateTime(n.cosign_due_at, tz) })}` : '',
      ),
      n.addenda.length
        ? h(
            'div',
            { class: 'addenda' },
            h('h4', null, t('notes.addenda')),
            h(
              'ul',
              { class: 'plain', 'data-testid': 'addenda' },
              n.addenda.map((a) => h('li', null, h('span', { class: 'muted small block' }, t('notes.addendum_line', { who: names.get(a.author_id) ?? '', when: fmtShortDateTime(a.created_at, tz) })), a.text)),
            ),
          )
        : null,
      status,
      actions.length ? h('div', { class: 'note-actions' }, actions) : null,
    );
  }

  function editForm(n: Note, status: HTMLElement): HTMLElement {
    const fields: Record<string, Field<HTMLElement>> = {};
    for (const f of FIELDS[n.kind] ?? []) fields[f] = textArea(fieldLabel(f), { rows: 3, value: n.content[f] ?? '', 'data-field': f });
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('notes.save_changes'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'note-edit-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          const b: Record<string, unknown> = { version: n.version };
          for (const [f, fld] of Object.entries(fields)) b[f] = (fld.input as HTMLTextAreaElement).value.trim();
          try {
            await busy(save, () => api<Note>('PATCH', `/notes/${encodeURIComponent(n.id)}`, b));
            await load(t('notes.draft_updated'), n.id);
          } catch (e) {
            if (e instanceof ApiError && e.status === 409) {
              status.replaceChildren(conflictNotice(() => void load(undefined, n.id)));
              status.focus();
            } else showProblem(status, e, fields);
          }
        },
      },
      Object.values(fields).map((f) => f.wrap),
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('notes.edit_draft')), form);
  }

  function addendumForm(n: Note, status: HTMLElement): HTMLElement {
    const text = textArea(t('notes.addendum_text'), { rows: 2, required: true, hint: t('notes.addendum_hint') });
    const fields = { text } as Record<string, Field<HTMLElement>>;
    const save = h('button', { type: 'submit', class: 'btn btn-primary' }, t('notes.add_addendum'));
    const form = h(
      'form',
      {
        class: 'stack',
        novalidate: true,
        'data-testid': 'addendum-form',
        onsubmit: async (ev: SubmitEvent) => {
          ev.preventDefault();
          clearProblem(status, fields);
          try {
            await busy(save, () => api<Note>('POST', `/notes/${encodeURIComponent(n.id)}/addenda`, { text: text.input.value.trim() }));
            await load(t('notes.addendum_added'), n.id);
          } catch (e) {
            if (e instanceof ApiError && e.status === 403) status.replaceChildren(notice('error', refusalText(e).text));
            else showProblem(status, e, fields);
          }
        },
      },
      text.wrap,
      h('div', { class: 'actions' }, save),
    );
    return h('details', { class: 'edit' }, h('summary', null, t('notes.add_addendum')), form);
  }

  void load();
  return el;
}
