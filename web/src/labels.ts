// Interface words for the API's codes. Keys are spelled out literally so the catalog test can see
// that each one is used.
import { locale, t, type Key } from './i18n';
import type { RosterWarning } from './types';

function label(map: Record<string, Key>, code: string | null | undefined): string {
  if (!code) return '';
  const k = map[code];
  return k ? t(k) : code;
}

const ROLES: Record<string, Key> = {
  admin: 'role.admin',
  clinical_director: 'role.clinical_director',
  psychiatrist: 'role.psychiatrist',
  therapist: 'role.therapist',
  group_leader: 'role.group_leader',
  program_staff: 'role.program_staff',
  patient: 'role.patient',
};
export const STAFF_ROLES = ['admin', 'clinical_director', 'psychiatrist', 'therapist', 'group_leader', 'program_staff'];
export const roleLabel = (c: string | null | undefined) => label(ROLES, c);

const FOCUS: Record<string, Key> = {
  substance_use: 'focus.substance_use',
  eating_disorder: 'focus.eating_disorder',
  mood_anxiety: 'focus.mood_anxiety',
  serious_mental_illness: 'focus.serious_mental_illness',
};
export const focusLabel = (c: string) => label(FOCUS, c);

const POPULATION: Record<string, Key> = {
  adult: 'population.adult',
  adolescent: 'population.adolescent',
};
export const populationLabel = (c: string) => label(POPULATION, c);

const SEX: Record<string, Key> = {
  female: 'sex.female',
  male: 'sex.male',
  diverse: 'sex.diverse',
  unknown: 'sex.unknown',
};
export const sexLabel = (c: string) => label(SEX, c);

const REFERRAL: Record<string, Key> = {
  inpatient: 'referral.inpatient',
  detox: 'referral.detox',
  residential: 'referral.residential',
  php: 'referral.php',
  emergency: 'referral.emergency',
  outpatient: 'referral.outpatient',
  self: 'referral.self',
  other: 'referral.other',
};
export const referralLabel = (c: string) => label(REFERRAL, c);

const EPISODE_STATUS: Record<string, Key> = {
  active: 'episode_status.active',
  discharged: 'episode_status.discharged',
};
export const episodeStatusLabel = (c: string) => label(EPISODE_STATUS, c);

const DISCHARGE: Record<string, Key> = {
  completed: 'discharge.completed',
  step_down: 'discharge.step_down',
  step_up: 'discharge.step_up',
  against_advice: 'discharge.against_advice',
  administrative: 'discharge.administrative',
  transferred: 'discharge.transferred',
};
export const dischargeLabel = (c: string) => label(DISCHARGE, c);

const TIERS: Record<string, Key> = {
  clinician: 'tier.clinician',
  psychiatrist: 'tier.psychiatrist',
  director: 'tier.director',
};
export const TIER_ORDER = ['clinician', 'psychiatrist', 'director'] as const;
export const tierLabel = (c: string) => label(TIERS, c);

const WEEKDAYS: Record<string, number> = { mon: 0, tue: 1, wed: 2, thu: 3, fri: 4, sat: 5, sun: 6 };
/** "Mon, Wed, Thu" in the locale (5 Jan 2026 was a Monday). */
export function weekdaysLabel(days: string[]): string {
  const f = new Intl.DateTimeFormat(locale(), { weekday: 'short', timeZone: 'UTC' });
  return new Intl.ListFormat(locale(), { style: 'narrow', type: 'unit' }).format(
    days.map((d) => (d in WEEKDAYS ? f.format(new Date(Date.UTC(2026, 0, 5 + WEEKDAYS[d]))) : d)),
  );
}

/** A language's name in the interface language ("polski", "Polish", "Polnisch"). */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([locale()], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Known server warnings about the on-call roster, in the interface language (by code). */
export function rosterWarning(w: RosterWarning, names: Map<string, string> = new Map()): { text: string; lang?: string } {
  switch (w.code) {
    case 'nobody_on_call':
      return { text: t('oncall.warn_nobody') };
    case 'clinician_gaps':
      return { text: t('oncall.warn_clinician_gaps') };
    case 'no_channel': {
      const name = (w.staff_id && names.get(w.staff_id)) ?? /^On-call staff member (.+?) has no/.exec(w.message)?.[1];
      if (name) return { text: t('oncall.warn_no_channel', { name }) };
      break;
    }
  }
  return { text: w.message, lang: 'en' };
}
