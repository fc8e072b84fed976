// Small pieces shared by the chart's record sections (loaded with them, not on the first screen):
// staff names in bulk, hours as words, ISO weeks, the clinic's "today", a read-only note when a
// section may not be read, and how a 409 or 403 is said.
import { h } from '../dom';
import { ApiError } from '../api';
import { locale, t } from '../i18n';
import { localDay } from '../format';
import { serverNow, staffName, state } from '../state';
import { notice, problemText } from '../ui';

/** Display names of staff ids (those the reader may not see say so). */
export async function namesOf(ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((x): x is string => !!x))];
  const pairs = await Promise.all(unique.map(async (id) => [id, (await staffName(id)) ?? t('chart.not_visible')] as const));
  return new Map(pairs);
}

/** "9 hr", "9 godz.", "9 Std." from minutes. */
export function fmtHours(minutes: number): string {
  return new Intl.NumberFormat(locale(), { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }).format(minutes / 60);
}

/** The clinic's calendar date today ("YYYY-MM-DD"), by the server's clock. */
export function clinicToday(tz: string | undefined): string {
  return localDay(new Date(serverNow()).toISOString(), tz);
}

/** The ISO week ("2026-W48") of a calendar date. */
export function isoWeek(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  const day = (dt.getUTCDay() + 6) % 7; // Monday 0
  dt.setUTCDate(dt.getUTCDate() - day + 3); // the week's Thursday decides its year
  const year = dt.getUTCFullYear();
  const week = 1 + Math.floor((dt.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday ("YYYY-MM-DD") of an ISO week. */
export function weekMonday(week: string): string {
  const m = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!m) return week;
  const year = Number(m[1]);
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday1 = new Date(jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000);
  const d = new Date(monday1.getTime() + (Number(m[2]) - 1) * 7 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** The ISO week `n` weeks from `week`. */
export function shiftWeek(week: string, n: number): string {
  const monday = weekMonday(week);
  const d = new Date(Date.parse(`${monday}T12:00:00Z`) + n * 7 * 86_400_000);
  return isoWeek(d.toISOString().slice(0, 10));
}

/** True when the section's data is not for this reader (403/404): the section is left out. */
export function notForMe(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 403 || e.status === 404);
}

/** A stale version (409): say so and offer to reload. */
export function conflictNotice(reload: () => void): HTMLElement {
  return notice(
    'warning',
    h('p', null, t('record.conflict')),
    h('button', { type: 'button', class: 'btn btn-small', onclick: reload }, t('record.reload')),
  );
}

/** An API failure in words; a refusal (403) says which rule refused, when the server's reason is known. */
export function refusalText(e: unknown): { text: string; lang?: string } {
  if (e instanceof ApiError && e.status === 403) {
    const d = e.problem.detail ?? '';
    const known: [RegExp, () => string][] = [
      [/^The author signs the note/, () => t('notes.forbidden_author')],
      [/^Only a licensed clinician signs/, () => t('notes.forbidden_unlicensed')],
      [/^A note is co-signed by someone other than its author/, () => t('notes.forbidden_own_cosign')],
      [/^Only a licensed clinician co-signs/, () => t('notes.forbidden_cosign_unlicensed')],
      [/leader.*signs this note/, () => t('notes.forbidden_group_leader')],
    ];
    for (const [re, text] of known) if (re.test(d)) return { text: text() };
    return { text: t('record.forbidden') };
  }
  return { text: problemText(e) };
}

/** Roles that write the chart (plans, individual notes): the server decides for whom. */
export function writesChart(): boolean {
  const r = state.user?.role;
  return r === 'therapist' || r === 'psychiatrist' || r === 'clinical_director';
}

/** Medications and psychiatric notes: the psychiatrist (and the clinical director). */
export function prescribes(): boolean {
  const r = state.user?.role;
  return r === 'psychiatrist' || r === 'clinical_director';
}
