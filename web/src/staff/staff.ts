// Staff: the list for directors and admins; admins also add and edit members. Edits carry the
// record's version, so a change made meanwhile by someone else is refused (409), not overwritten.
import { h } from '../dom';
import { all, api } from '../api';
import { LANG_NAMES, LANGS, t } from '../i18n';
import { STAFF_ROLES, roleLabel } from '../labels';
import { forgetStaffName, programsList, state } from '../state';
import type { Program, Staff } from '../types';
import {
  busy,
  button,
  checkbox,
  clearProblem,
  loading,
  notice,
  pageTitle,
  selectField,
  showProblem,
  table,
  textField,
  type Field,
} from '../ui';

const view = { filter: '' };

export async function renderStaff(root: HTMLElement): Promise<void> {
  const isAdmin = state.user!.role === 'admin';
  const formSlot = h('div', { class: 'form-slot' });
  const status = h('div', { tabindex: '-1' });
  const listEl = h('div', null, loading());
  let staff: Staff[] = [];
  let programs: Program[] = [];

  const filter = textField(t('staff.filter'), {
    type: 'search',
    autocomplete: 'off',
    value: view.filter,
    oninput: (e: Event) => {
      view.filter = (e.target as HTMLInputElement).value;
      renderList();
    },
  });

  const addBtn = isAdmin
    ? button(t('staff.add'), () => openForm(null), { class: 'btn btn-primary', 'aria-expanded': 'false' })
    : null;
  root.append(pageTitle(t('staff.title'), addBtn), status, formSlot, h('div', { class: 'filter-bar' }, filter.wrap), listEl);

  async function load(): Promise<void> {
    try {
      [staff, programs] = await Promise.all([all<Staff>('/staff'), programsList()]);
      staff.sort((a, b) => a.display_name.localeCompare(b.display_name));
      renderList();
    } catch (e) {
      listEl.replaceChildren();
      showProblem(status, e);
    }
  }

  function renderList(): void {
    const q = view.filter.trim().toLocaleLowerCase();
    const shown = q
      ? staff.filter((s) => s.display_name.toLocaleLowerCase().includes(q) || s.username.toLocaleLowerCase().includes(q))
      : staff;
    const progName = (id: string) => programs.find((p) => p.id === id)?.name ?? id;
    const headers = [t('staff.col_name'), t('staff.col_role'), t('staff.col_programs'), t('staff.col_contact'), t('staff.col_status')];
    if (isAdmin) headers.push(t('staff.col_actions'));
    const rows = shown.map((s) => {
      const r = [
        [h('span', { class: 'block' }, s.display_name), h('span', { class: 'muted block small' }, s.username)],
        [roleLabel(s.role), s.licensed ? h('span', { class: 'tag tag-ok' }, t('staff.licensed_tag')) : null],
        s.program_ids.length ? h('ul', { class: 'plain' }, s.program_ids.map((id) => h('li', null, progName(id)))) : '',
        h('ul', { class: 'plain' }, s.email ? h('li', null, s.email) : null, s.phone ? h('li', null, s.phone) : null),
        s.active ? t('staff.active') : h('span', { class: 'tag' }, t('staff.inactive')),
      ];
      if (isAdmin) {
        r.push(button(t('common.edit'), () => openForm(s), { class: 'btn btn-small', 'aria-label': t('staff.edit_aria', { name: s.display_name }) }));
      }
      return r;
    });
    listEl.replaceChildren(
      shown.length ? table(t('staff.title'), headers, rows, { 'data-testid': 'staff-table' }) : notice('info', t('staff.none_match')),
    );
  }

  function openForm(member: Staff | null): void {
    clearProblem(status);
    addBtn?.setAttribute('aria-expanded', member ? 'false' : 'true');
    formSlot.replaceChildren(
      staffForm(member, programs, {
        saved: async (s, created) => {
          forgetStaffName(s.id);
          formSlot.replaceChildren();
          addBtn?.setAttribute('aria-expanded', 'false');
          await load();
          status.replaceChildren(notice('success', t(created ? 'staff.created' : 'staff.updated', { name: s.display_name })));
          status.focus();
        },
        cancel: () => {
          formSlot.replaceChildren();
          addBtn?.setAttribute('aria-expanded', 'false');
          addBtn?.focus();
        },
      }),
    );
    formSlot.querySelector<HTMLInputElement>('input')?.focus();
  }

  await load();
}

function staffForm(
  member: Staff | null,
  programs: Program[],
  on: { saved: (s: Staff, created: boolean) => void; cancel: () => void },
): HTMLElement {
  let current = member;
  const f = {
    display_name: textField(t('staff.display_name'), { required: true, autocomplete: 'off', value: member?.display_name }),
    username: textField(t('staff.username'), { required: true, autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', value: member?.username, readonly: !!member }),
    password: textField(member ? t('staff.new_password') : t('staff.password'), {
      type: 'password',
      autocomplete: 'new-password',
      required: !member,
      hint: member ? t('staff.password_keep_hint') : t('staff.password_hint'),
    }),
    role: selectField(t('staff.role'), STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(r) })), member?.role ?? 'therapist'),
    language: selectField(t('staff.language'), LANGS.map((l) => ({ value: l, label: LANG_NAMES[l], lang: l })), member?.language ?? 'en'),
    email: textField(t('staff.email'), { type: 'email', autocomplete: 'off', value: member?.email }),
    phone: textField(t('staff.phone'), { type: 'tel', autocomplete: 'off', value: member?.phone }),
    licensed: checkbox(t('staff.licensed'), member?.licensed ?? false),
    active: checkbox(t('staff.is_active'), member?.active ?? true),
  };
  const progBoxes = programs.map((p) => ({ p, box: checkbox(p.name, member?.program_ids.includes(p.id) ?? false) }));
  const progField: Field<HTMLElement> = {
    wrap: h('fieldset', { class: 'checks' }, h('legend', null, t('staff.programs')), progBoxes.map((x) => x.box.wrap)),
    input: h('span'),
    setError: () => undefined,
  };
  const fields: Record<string, Field<HTMLElement>> = { ...f, program_ids: progField };
  const status = h('div', { tabindex: '-1' });
  const save = h('button', { type: 'submit', class: 'btn btn-primary' }, member ? t('common.save') : t('staff.create'));
  const titleId = 'staff-form-title';

  const form = h(
    'form',
    {
      class: 'card stack',
      novalidate: true,
      'aria-labelledby': titleId,
      'data-testid': 'staff-form',
      onsubmit: async (ev: SubmitEvent) => {
        ev.preventDefault();
        clearProblem(status, fields);
        const body: Record<string, unknown> = {
          display_name: f.display_name.input.value.trim(),
          role: f.role.input.value,
          licensed: f.licensed.input.checked,
          language: f.language.input.value,
          email: f.email.input.value.trim() || null,
          phone: f.phone.input.value.trim() || null,
          program_ids: progBoxes.filter((x) => x.box.input.checked).map((x) => x.p.id),
        };
        if (f.password.input.value) body.password = f.password.input.value;
        try {
          let s: Staff;
          if (current) {
            body.version = current.version;
            body.active = f.active.input.checked;
            s = await busy(save, () => api<Staff>('PATCH', `/staff/${encodeURIComponent(current!.id)}`, body));
          } else {
            body.username = f.username.input.value.trim();
            // Absent optional fields, not nulls, on creation.
            if (body.email === null) delete body.email;
            if (body.phone === null) delete body.phone;
            s = await busy(save, () => api<Staff>('POST', '/staff', body));
          }
          on.saved(s, !current);
        } catch (e) {
          showProblem(status, e, fields);
          if (current && (e as { status?: number }).status === 409) {
            status.firstElementChild?.append(
              button(t('staff.reload_latest'), async () => {
                current = await api<Staff>('GET', `/staff/${encodeURIComponent(current!.id)}`);
                form.replaceWith(staffForm(current, programs, on));
              }, { class: 'btn btn-small' }),
            );
          }
        }
      },
    },
    h('h2', { id: titleId }, member ? t('staff.edit_title', { name: member.display_name }) : t('staff.add_title')),
    h('div', { class: 'form-grid' }, f.display_name.wrap, f.username.wrap, f.password.wrap, f.role.wrap, f.language.wrap, f.email.wrap, f.phone.wrap),
    h('div', { class: 'form-row' }, f.licensed.wrap, member ? f.active.wrap : null),
    progField.wrap,
    status,
    h('div', { class: 'actions' }, save, button(t('common.cancel'), on.cancel, { class: 'btn btn-quiet' })),
  );
  return form;
}
