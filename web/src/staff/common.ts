// Pieces shared by the monitoring screens: severity and risk tags, links to a chart, an alert or
// a crisis (the id goes to memory, never to the URL), the program scope, who may do what.
import { h, type Child } from '../dom';
import { t } from '../i18n';
import { riskLabel, severityLabel } from '../labels';
import { currentPath, link } from '../router';
import { programsList, state } from '../state';
import type { Alert, Program, RiskLevel, Severity } from '../types';
import { selectField } from '../ui';

export function fullName(p: { given_name: string; family_name: string }): string {
  return `${p.family_name}, ${p.given_name}`;
}

export function severityTag(s: Severity | string): HTMLElement {
  return h('span', { class: `tag sev sev-${s}` }, severityLabel(s));
}

export function riskTag(level: RiskLevel | string): HTMLElement {
  return h('span', { class: `tag risk risk-${level}` }, riskLabel(level));
}

/** Where the Back link of a detail screen leads (the screen it was opened from). */
function rememberBack(): void {
  const p = currentPath();
  if (p !== '/alert' && p !== '/crisis') state.backPath = p;
}

export function chartLink(patientId: string, label: Child, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return link('/chart', { class: 'row-link', ...attrs, onclick: () => ((state.selectedPatientId = patientId), rememberBack()) }, label);
}

export function alertLink(alertId: string, label: Child, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return link('/alert', { ...attrs, onclick: () => ((state.selectedAlertId = alertId), rememberBack()) }, label);
}

export function crisisLink(crisisId: string, label: Child, attrs: Record<string, string> = {}): HTMLAnchorElement {
  return link('/crisis', { ...attrs, onclick: () => ((state.selectedCrisisId = crisisId), rememberBack()) }, label);
}

const CLINICAL = new Set(['therapist', 'psychiatrist', 'clinical_director']);

/** Acknowledging high and imminent alerts takes a licensed clinician (rules.md); the server decides the rest. */
export function mayAcknowledge(a: Pick<Alert, 'severity'>): boolean {
  const u = state.user!;
  if (a.severity === 'high' || a.severity === 'imminent') return u.licensed && CLINICAL.has(u.role);
  return u.role !== 'group_leader' && u.role !== 'admin';
}

/** Opening and running a crisis, editing a safety plan: licensed clinicians. */
export function isLicensedClinician(): boolean {
  const u = state.user!;
  return u.licensed && CLINICAL.has(u.role);
}

/** Measures on a patient's behalf take a clinician (the server decides for whom: care team, program). */
export function givesMeasures(): boolean {
  return CLINICAL.has(state.user?.role ?? '');
}

/** Check-ins on a patient's behalf: program staff, therapists and directors (psychiatrists only read them). */
export function recordsCheckins(): boolean {
  const r = state.user?.role;
  return r === 'program_staff' || r === 'therapist' || r === 'clinical_director';
}

/** Roles that see alerts (group leaders see check-ins and the census, not alerts). */
export function seesAlerts(): boolean {
  const r = state.user?.role;
  return r === 'clinical_director' || r === 'psychiatrist' || r === 'therapist' || r === 'program_staff';
}

/** The user's programs (every program for a director without assignments). */
export async function myPrograms(): Promise<Program[]> {
  const all = await programsList();
  const mine = state.me?.program_ids ?? [];
  return mine.length ? all.filter((p) => mine.includes(p.id)) : all;
}

/** The clinic's time zone: the first program's (staff work in one clinic). */
export async function clinicTimeZone(): Promise<string | undefined> {
  const list = await myPrograms().catch(() => [] as Program[]);
  return list[0]?.time_zone;
}

/** "All my programs" or one of them; the choice lives in memory (state.workProgramId). */
export function programScope(programs: Program[], onChange: () => void): HTMLElement | null {
  if (programs.length < 2) return null;
  if (state.workProgramId && !programs.some((p) => p.id === state.workProgramId)) state.workProgramId = '';
  const f = selectField(
    t('work.program'),
    [{ value: '', label: t('work.all_programs') }, ...programs.map((p) => ({ value: p.id, label: p.name }))],
    state.workProgramId,
    {
      'data-testid': 'program-scope',
      onchange: (e: Event) => {
        state.workProgramId = (e.target as HTMLSelectElement).value;
        onChange();
      },
    },
  );
  return h('div', { class: 'scope' }, f.wrap);
}

export function scopedPrograms(programs: Program[]): Program[] {
  return state.workProgramId ? programs.filter((p) => p.id === state.workProgramId) : programs;
}
