// Audit search (admins): who did what, to which record, when. Filters travel in the API query of
// a same-origin fetch, never in the page URL or history.
import { h } from '../dom';
import { all, api } from '../api';
import { t, tp } from '../i18n';
import { fmtDateTime, localInputToIso } from '../format';
import { roleLabel } from '../labels';
import type { AuditRecord, Page, Staff } from '../types';
import { busy, button, clearProblem, loading, notice, pageTitle, selectField, showProblem, table, textField } from '../ui';

export async function renderAudit(root: HTMLElement): Promise<void> {
  const staff = await all<Staff>('/staff').catch(() => [] as Staff[]);
  staff.sort((a, b) => a.display_name.localeCompare(b.display_name));
  const names = new Map(staff.map((s) => [s.id, s.display_name]));

  const user = selectField(
    t('audit.user'),
    [{ value: '', label: t('audit.anyone') }, ...staff.map((s) => ({ value: s.id, label: `${s.display_name} (${s.username})` }))],
    '',
  );
  const patient = textField(t('audit.patient_id'), { autocomplete: 'off', spellcheck: 'false', hint: t('audit.patient_id_hint') });
  const from = textField(t('audit.from'), { type: 'datetime-local' });
  const to = textField(t('audit.to'), { type: 'datetime-local' });
  const fields = { user_id: user, patient_id: patient, from, to };
  const problems = h('div', { tabindex: '-1' });
  const results = h('div');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('audit.search'));
  let rows: AuditRecord[] = [];
  let cursor: string | null = null;
  let query = '';

  const form = h(
    'form',
    {
      class: 'search-bar',
      novalidate: true,
      role: 'search',
      'aria-label': t('audit.search_label'),
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        const q = new URLSearchParams();
        if (user.input.value) q.set('user_id', user.input.value);
        if (patient.input.value.trim()) q.set('patient_id', patient.input.value.trim());
        const f = localInputToIso(from.input.value);
        const tt = localInputToIso(to.input.value);
        if (f) q.set('from', f);
        if (tt) q.set('to', tt);
        query = q.toString();
        rows = [];
        cursor = null;
        await busy(submit, () => fetchPage());
      },
    },
    user.wrap,
    patient.wrap,
    from.wrap,
    to.wrap,
    h('div', { class: 'actions' }, submit),
  );

  async function fetchPage(): Promise<void> {
    clearProblem(problems, fields);
    if (!rows.length) results.replaceChildren(loading());
    try {
      const sep = query ? '&' : '';
      const page = await api<Page<AuditRecord>>('GET', `/audit?${query}${sep}limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      rows.push(...page.items);
      cursor = page.next_cursor;
      draw();
    } catch (e) {
      results.replaceChildren();
      showProblem(problems, e, fields);
    }
  }

  function draw(): void {
    if (!rows.length) {
      results.replaceChildren(notice('info', t('audit.none')));
      return;
    }
    const more = cursor
      ? button(t('audit.more'), async (ev) => {
          const btn = ev.currentTarget as HTMLButtonElement;
          const n = rows.length;
          await busy(btn, fetchPage);
          // Keep the reader at the first new row.
          results.querySelectorAll('tbody tr')[n]?.querySelector<HTMLElement>('td')?.focus();
        })
      : null;
    const tableEl = table(
      t('audit.title'),
      [t('audit.col_time'), t('audit.col_user'), t('audit.col_action'), t('audit.col_resource'), t('audit.col_patient'), t('audit.col_outcome')],
      rows.map((r) => [
        fmtDateTime(r.at),
        r.user_id ? [names.get(r.user_id) ?? r.user_id, r.role ? h('span', { class: 'muted block' }, roleLabel(r.role)) : null] : '',
        h('code', null, r.action),
        r.resource_type ? h('code', null, `${r.resource_type}${r.resource_id ? ` ${r.resource_id}` : ''}`) : '',
        r.patient_id ? h('code', null, r.patient_id) : '',
        [
          r.outcome === 'success'
            ? h('span', { class: 'tag tag-ok' }, t('audit.success'))
            : h('span', { class: 'tag tag-warn' }, h('code', null, r.outcome)),
          r.rule ? h('span', { class: 'muted block' }, h('code', null, r.rule)) : null,
        ],
      ]),
      { 'data-testid': 'audit-table' },
    );
    for (const td of tableEl.querySelectorAll('tbody td:first-child')) td.setAttribute('tabindex', '-1');
    results.replaceChildren(h('p', { class: 'result-summary', role: 'status' }, tp('audit.shown', rows.length)), tableEl, more ?? '');
  }

  root.append(pageTitle(t('audit.title')), h('p', { class: 'lead' }, t('audit.intro')), form, problems, results);
  await busy(submit, () => fetchPage());
}
