// Patients (the Census later): a paginated list, and search by name and birth date. Search
// terms go in a POST body, never in a URL. The list's page and search survive a visit to a chart.
import { h } from '../dom';
import { api } from '../api';
import { t, tp } from '../i18n';
import { age, fmtDate, fmtNumber } from '../format';
import { sexLabel } from '../labels';
import { link } from '../router';
import { programsList, state } from '../state';
import type { Page, Patient, Program } from '../types';
import { button, clearProblem, loading, notice, pageTitle, showProblem, table, textField } from '../ui';

const PAGE_SIZE = 20;

const view = {
  cursors: [null] as (string | null)[],
  page: 0,
  search: null as { name: string; birth_date: string } | null,
};

export function renderPatients(root: HTMLElement): Promise<void> {
  const name = textField(t('patients.search_name'), { name: 'name', autocomplete: 'off', value: view.search?.name ?? '' });
  const birth = textField(t('patients.search_birth'), { name: 'birth_date', type: 'date', value: view.search?.birth_date ?? '' });
  const problems = h('div', { tabindex: '-1' });
  const results = h('div', { class: 'results' });
  const searchBtn = h('button', { type: 'submit', class: 'btn btn-primary' }, t('patients.search'));

  const form = h(
    'form',
    {
      class: 'search-bar',
      novalidate: true,
      role: 'search',
      'aria-label': t('patients.search_label'),
      onsubmit: (ev: SubmitEvent) => {
        ev.preventDefault();
        const n = name.input.value.trim();
        const b = birth.input.value;
        view.search = n || b ? { name: n, birth_date: b } : null;
        view.cursors = [null];
        view.page = 0;
        void load();
      },
    },
    name.wrap,
    birth.wrap,
    h(
      'div',
      { class: 'actions' },
      searchBtn,
      button(t('patients.clear'), () => {
        name.input.value = '';
        birth.input.value = '';
        view.search = null;
        view.cursors = [null];
        view.page = 0;
        void load();
        name.input.focus();
      }, { class: 'btn btn-quiet' }),
    ),
  );

  root.append(pageTitle(t('patients.title')), h('p', { class: 'lead' }, t('patients.intro')), form, problems, results);

  async function load(): Promise<void> {
    clearProblem(problems, { name, birth_date: birth });
    results.replaceChildren(loading());
    results.setAttribute('aria-busy', 'true');
    try {
      let page: Page<Patient>;
      if (view.search) {
        const body: Record<string, string> = {};
        if (view.search.name) body.name = view.search.name;
        if (view.search.birth_date) body.birth_date = view.search.birth_date;
        page = await api<Page<Patient>>('POST', '/patients/search', body);
      } else {
        const cursor = view.cursors[view.page];
        page = await api<Page<Patient>>(
          'GET',
          `/patients?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
      }
      const programs = await programsList().catch(() => [] as Program[]);
      results.replaceChildren(...renderResults(page, programs));
    } catch (e) {
      results.replaceChildren();
      showProblem(problems, e, { name, birth_date: birth });
    } finally {
      results.removeAttribute('aria-busy');
    }
  }

  function renderResults(page: Page<Patient>, programs: Program[]): (HTMLElement | string)[] {
    if (page.items.length === 0) {
      return [notice('info', view.search ? t('patients.none_found') : t('patients.none'))];
    }
    const rows = page.items.map((p) => [
      link(
        '/chart',
        { class: 'row-link', onclick: () => (state.selectedPatientId = p.id) },
        `${p.family_name}, ${p.given_name}`,
      ),
      fmtDate(p.birth_date),
      fmtNumber(age(p.birth_date)),
      sexLabel(p.sex),
      p.program_id
        ? (programs.find((x) => x.id === p.program_id)?.name ?? '')
        : h('span', { class: 'muted' }, t('patients.no_episode')),
      p.account
        ? p.account.activated
          ? t('patients.account_active')
          : t('patients.account_invited')
        : h('span', { class: 'muted' }, t('patients.account_none')),
    ]);
    const out: (HTMLElement | string)[] = [
      view.search ? h('p', { class: 'result-summary', role: 'status' }, tp('patients.found', page.items.length)) : '',
      table(
        t('patients.table_caption'),
        [t('patients.col_name'), t('patients.col_birth'), t('patients.col_age'), t('patients.col_sex'), t('patients.col_program'), t('patients.col_account')],
        rows,
        { 'data-testid': 'patients-table' },
      ),
    ];
    if (!view.search) {
      const prev = button(t('common.previous'), () => {
        view.page -= 1;
        void load().then(() => prevFocus());
      }, { class: 'btn', disabled: view.page === 0 });
      const next = button(t('common.next'), () => {
        view.cursors[view.page + 1] = page.next_cursor;
        view.page += 1;
        void load().then(() => nextFocus());
      }, { class: 'btn', disabled: !page.next_cursor });
      out.push(h('nav', { class: 'pager', 'aria-label': t('common.pagination') }, prev, h('span', { class: 'pager-page' }, t('patients.page', { n: view.page + 1 })), next));
    }
    return out;
  }

  // After paging, keep the keyboard on the pager (or the table when a button disappears).
  const pagerButton = (i: number) => results.querySelectorAll<HTMLButtonElement>('.pager button')[i];
  const prevFocus = () => (pagerButton(0)?.disabled ? pagerButton(1) : pagerButton(0))?.focus();
  const nextFocus = () => (pagerButton(1)?.disabled ? pagerButton(0) : pagerButton(1))?.focus();

  return load();
}
