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
    case 'no_out_of_browser_channel':
      return { text: t('oncall.warn_browser_only') };
  }
  return { text: w.message, lang: 'en' };
}

// Monitoring

const SEVERITY: Record<string, Key> = {
  imminent: 'severity.imminent',
  high: 'severity.high',
  warning: 'severity.warning',
  info: 'severity.info',
};
export const SEVERITIES = ['imminent', 'high', 'warning', 'info'] as const;
export const severityLabel = (c: string) => label(SEVERITY, c);

const RISK: Record<string, Key> = {
  none: 'risk.none',
  low: 'risk.low',
  moderate: 'risk.moderate',
  high: 'risk.high',
  imminent: 'risk.imminent',
};
export const RISK_ORDER = ['none', 'low', 'moderate', 'high', 'imminent'] as const;
export const riskLabel = (c: string) => label(RISK, c);

const ALERT_STATUS: Record<string, Key> = {
  open: 'alert_status.open',
  acknowledged: 'alert_status.acknowledged',
  escalated: 'alert_status.escalated',
  resolved: 'alert_status.resolved',
};
export const alertStatusLabel = (c: string) => label(ALERT_STATUS, c);

const ALERT_EVENT: Record<string, Key> = {
  raised: 'alert_event.raised',
  notified: 'alert_event.notified',
  repeat: 'alert_event.repeat',
  severity_raised: 'alert_event.severity_raised',
  escalated: 'alert_event.escalated',
  escalation_repeat: 'alert_event.escalation_repeat',
  acknowledged: 'alert_event.acknowledged',
  resolved: 'alert_event.resolved',
  seen: 'alert_event.seen',
  crisis_opened: 'alert_event.crisis_opened',
};
export const alertEventLabel = (c: string) => label(ALERT_EVENT, c);

const CHANNEL: Record<string, Key> = {
  stream: 'channel.stream',
  email: 'channel.email',
  webhook: 'channel.webhook',
};
export const channelLabel = (c: string) => label(CHANNEL, c);

const CRISIS_ACTION: Record<string, Key> = {
  patient_contacted: 'crisis_action.patient_contacted',
  safety_plan_reviewed: 'crisis_action.safety_plan_reviewed',
  emergency_services_called: 'crisis_action.emergency_services_called',
  mobile_crisis_team: 'crisis_action.mobile_crisis_team',
  family_contacted: 'crisis_action.family_contacted',
  means_restricted: 'crisis_action.means_restricted',
  psychiatrist_consulted: 'crisis_action.psychiatrist_consulted',
  note: 'crisis_action.note',
};
export const CRISIS_ACTIONS = Object.keys(CRISIS_ACTION);
export const crisisActionLabel = (c: string) => label(CRISIS_ACTION, c);

const DISPOSITION: Record<string, Key> = {
  stabilized_continuing: 'disposition.stabilized_continuing',
  step_up_php: 'disposition.step_up_php',
  step_up_inpatient: 'disposition.step_up_inpatient',
  emergency_department: 'disposition.emergency_department',
};
export const DISPOSITIONS = Object.keys(DISPOSITION);
export const dispositionLabel = (c: string) => label(DISPOSITION, c);

const MEASURE_SEVERITY: Record<string, Key> = {
  minimal: 'measure_sev.minimal',
  mild: 'measure_sev.mild',
  moderate: 'measure_sev.moderate',
  moderately_severe: 'measure_sev.moderately_severe',
  severe: 'measure_sev.severe',
};
/** A measure's severity band (PHQ-9, GAD-7), or the server's code for an unknown one. */
export function measureSeverityLabel(c: string | null | undefined): { text: string; lang?: string } {
  if (!c) return { text: '' };
  const k = MEASURE_SEVERITY[c];
  return k ? { text: t(k) } : { text: c.replace(/_/g, ' '), lang: 'en' };
}

// What a screen found (the server's classification codes; AUDIT-C's band is positive or negative).
const MEASURE_CLASS: Record<string, Key> = {
  item9_positive: 'measure_class.item9_positive',
  acute_positive: 'measure_class.acute_positive',
  non_acute_positive: 'measure_class.non_acute_positive',
  positive: 'measure_class.positive',
  negative: 'measure_class.negative',
  // C-SSRS screener triage.
  high: 'measure_class.high',
  moderate: 'measure_class.moderate',
  low: 'measure_class.low',
  none: 'measure_class.none',
};
/** A measure's classification (PHQ-9 item 9, ASQ, C-SSRS, AUDIT-C), or the server's code for an unknown one. */
export function measureClassLabel(c: string | null | undefined): { text: string; lang?: string } {
  if (!c) return { text: '' };
  const k = MEASURE_CLASS[c];
  return k ? { text: t(k) } : { text: c.replace(/_/g, ' '), lang: 'en' };
}

// Instrument names are the same in every language (proper names and acronyms).
const INSTRUMENT_NAMES: Record<string, string> = {
  phq9: 'PHQ-9',
  gad7: 'GAD-7',
  asq: 'ASQ',
  cssrs_screener: 'C-SSRS',
  audit_c: 'AUDIT-C',
  pcl5: 'PCL-5',
  bam: 'BAM',
  bam_iop: 'BAM-IOP',
  scoff: 'SCOFF',
};
export const instrumentName = (id: string) => INSTRUMENT_NAMES[id] ?? id.toUpperCase();

/** A scheduled measure's rhythm (rules.md measurement schedule). */
export function measureScheduleLabel(schedule: string): string {
  switch (schedule) {
    case 'weekly':
      return t('schedule_kind.weekly');
    case 'every_4_weeks':
      return t('schedule_kind.every_4_weeks');
    case 'at_admission':
      return t('schedule_kind.at_admission');
    case 'at_discharge':
      return t('schedule_kind.at_discharge');
  }
  return schedule;
}

/** Why a measure is due now (the rule that asked for it). */
export function dueReasonLabel(rule: string): string {
  if (rule.startsWith('checkin_self_harm')) return t('reason.after_checkin_self_harm');
  if (rule === 'phq9_item9') return t('reason.after_phq9_item9');
  return t('reason.rule');
}
