// Shapes of the API resources the app reads (see shared/spec/api.md and docs/api.md).
import type { Lang } from './i18n';

export type Role =
  | 'admin'
  | 'clinical_director'
  | 'psychiatrist'
  | 'therapist'
  | 'group_leader'
  | 'program_staff'
  | 'patient';

export interface User {
  id: string;
  username: string;
  role: Role;
  display_name: string;
  language: Lang;
  licensed: boolean;
  patient_id?: string;
}

export interface LoginAnswer {
  token: string;
  csrf_token: string;
  expires_at: string;
  absolute_expires_at?: string;
  idle_timeout_seconds?: number;
  /** The server's clock (tests run it simulated): countdowns use it, not the browser's. */
  now?: string;
  user: User;
}

export interface SessionAnswer {
  user: User;
  csrf_token: string;
  expires_at: string;
  absolute_expires_at?: string;
  idle_timeout_seconds?: number;
  now?: string;
}

export interface CrisisResource {
  name: string;
  phone: string;
  description?: string;
  language?: string;
  /** The same line in the readers' languages (settings; patients get theirs already chosen). */
  translations?: Partial<Record<'en' | 'pl' | 'de', { name?: string; description?: string }>>;
}

export interface Me extends User {
  email?: string | null;
  phone?: string | null;
  program_ids?: string[];
  episode_id?: string | null;
  program_id?: string | null;
  program_name?: string | null;
  time_zone?: string;
  crisis_resources?: CrisisResource[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Program {
  id: string;
  name: string;
  focus: string;
  population: string;
  level_of_care: string;
  days_per_week: number;
  hours_per_day: number;
  min_hours_per_week?: number | null;
  time_zone: string;
  language: Lang;
  version: number;
}

export interface Track {
  id: string;
  name: string;
  weekdays: string[];
  start: string;
  end: string;
  version: number;
  /** In the answer to an edit of the days or times: the day the new pattern applies from. */
  effective_from?: string;
  /** A change dated ahead: the days and times that hold through `through`. */
  until_then?: { through: string; weekdays: string[]; start: string; end: string } | null;
}

export interface Group {
  id: string;
  name: string;
  kind: string;
  track_id: string;
  leader_id: string;
  co_leader_id?: string | null;
  room_id?: string | null;
  capacity: number;
  member_count: number;
  program_id?: string;
  version?: number;
  /** The members the caller may see. */
  member_ids?: string[];
  /** The group's last day (program-local date), when it ends. */
  ends_on?: string | null;
  /** In the answer to a move to another track: the day it applies from. */
  effective_from?: string;
}

export interface Room {
  id: string;
  name: string;
  capacity: number;
  site_id?: string;
  version: number;
}

export interface ProgramSettings {
  crisis_resources: CrisisResource[];
  measurement_schedule?: { checkin_cutoff?: string };
  ack_deadlines_minutes?: { imminent?: number; high?: number; warning?: number };
  escalation_chain?: string[];
  cosignature_required?: boolean;
  closures?: { date: string; reason?: string }[];
  /** Secrets are write-only: read back as `secret_set`. */
  webhooks?: { url: string; secret_set?: boolean }[];
  version: number;
}

export interface Staff {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  licensed: boolean;
  language: Lang;
  email: string | null;
  phone: string | null;
  active: boolean;
  version: number;
  program_ids: string[];
}

export interface EmergencyContact {
  name: string;
  phone: string;
  relationship?: string | null;
}

export interface Patient {
  id: string;
  given_name: string;
  family_name: string;
  birth_date: string;
  sex: 'female' | 'male' | 'diverse' | 'unknown';
  preferred_language: Lang;
  phone: string | null;
  email: string | null;
  emergency_contact: EmergencyContact | null;
  version: number;
  active_episode_id: string | null;
  program_id: string | null;
  account: { username: string; activated: boolean } | null;
}

export interface Episode {
  id: string;
  patient_id: string;
  program_id: string;
  status: string;
  referral_source: string;
  admitted_on: string;
  care_team: {
    primary_therapist_id: string | null;
    psychiatrist_id: string | null;
    program_staff_ids: string[];
  };
  previous_episode_id: string | null;
  discharge: { discharged_on: string; reason: string; aftercare?: string } | null;
  planned_discharge_on?: string | null;
  version: number;
}

export type Tier = 'clinician' | 'psychiatrist' | 'director';

export interface OnCallEntry {
  staff_id: string;
  display_name: string;
  tier: Tier;
  starts: string;
  ends: string;
}

export interface RosterWarning {
  code: 'nobody_on_call' | 'clinician_gaps' | 'no_channel' | 'no_out_of_browser_channel' | string;
  message: string;
  staff_id?: string;
}

export interface OnCall {
  program_id: string;
  time_zone: string;
  version: number;
  entries: OnCallEntry[];
  gaps: { tier: Tier; starts: string; ends: string }[];
  warnings: RosterWarning[];
}

export interface AuditRecord {
  seq: number;
  at: string;
  user_id: string | null;
  role: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  patient_id: string | null;
  outcome: string;
  rule: string | null;
  request_id: string | null;
}

// Monitoring (docs/api.md: Monitoring, Alerts, Crises and safety plans)

export type RiskLevel = 'none' | 'low' | 'moderate' | 'high' | 'imminent';
export type Severity = 'imminent' | 'high' | 'warning' | 'info';
export type AlertStatus = 'open' | 'acknowledged' | 'escalated' | 'resolved';

export interface Alert {
  id: string;
  patient_id: string;
  patient: { given_name: string; family_name: string };
  program_id: string;
  episode_id?: string;
  severity: Severity;
  status: AlertStatus;
  rule: string;
  /** Plain words in the reader's language. */
  reasons: string[];
  raised_at: string;
  last_fired_at?: string;
  deadline: string | null;
  escalation_step: number;
  assignee_id: string | null;
  acknowledged_by: string | null;
  acknowledged_at?: string | null;
  resolved_by?: string | null;
  resolved_at?: string | null;
  last_event_id: string | number;
  version: number;
}

export interface AlertEvent {
  at: string;
  kind: string;
  user_id: string | null;
  recipient_id: string | null;
  channels: string[];
  detail: string | null;
}

export interface AlertDetail extends Alert {
  history: AlertEvent[];
}

export interface CensusRow {
  patient_id: string;
  given_name: string;
  family_name: string;
  episode_id?: string;
  admitted_on?: string;
  days_in_program: number;
  last_checkin_at: string | null;
  checked_in_today: boolean;
  risk_level: RiskLevel;
  open_alerts: { count: number; max_severity: Severity | null };
  /** The week's hours (older servers sent a number of hours, or null before counting). */
  hours_this_week: WeekHours | number | null;
}

/** GET /patients/{id}/hours (and the census row's `hours_this_week`). */
export interface WeekHours {
  week: string;
  attended_minutes: number;
  minimum_minutes: number;
  remaining_scheduled_minutes: number;
  compliant?: boolean;
  reachable: boolean;
}

export interface Census {
  program_id: string;
  date: string;
  items: CensusRow[];
}

export interface PersonRef {
  patient_id: string;
  given_name: string;
  family_name: string;
}

export interface Worklist {
  program_id: string;
  date: string;
  checkin_cutoff: string;
  checkins: {
    received: (PersonRef & { submitted_at: string; risk_level: RiskLevel })[];
    missing: PersonRef[];
  };
  open_alerts: Record<Severity, number>;
  measures_due_now: (PersonRef & { instrument: string; reason: string; due_by: string })[];
  /** Scheduled measures closing tonight, or overdue and still owed. */
  measures_scheduled?: (PersonRef & { instrument: string; schedule: string; status: 'due' | 'overdue'; window_end: string })[];
  sessions: Record<string, unknown>[];
  reviews_due: Record<string, unknown>[];
  cosignatures_due: Record<string, unknown>[];
  certifications_due: Record<string, unknown>[];
}

export interface CrisisAction {
  id: string;
  kind: string;
  at: string;
  user_id: string;
  note: string | null;
  recorded_at: string;
}

export interface Crisis {
  id: string;
  patient_id: string;
  program_id: string;
  alert_id: string | null;
  status: 'open' | 'closed';
  opened_by: string;
  opened_at: string;
  disposition: string | null;
  closed_at: string | null;
  closed_by: string | null;
  version: number;
  responders: string[];
  actions: CrisisAction[];
}

export interface Contact {
  name: string;
  phone?: string | null;
  note?: string | null;
}

export interface SafetyPlanContent {
  warning_signs?: string[];
  internal_coping?: string[];
  social_distractions?: Contact[];
  people_to_ask_for_help?: Contact[];
  professionals_and_agencies?: Contact[];
  making_environment_safe?: string[];
  reasons_for_living?: string[];
}

export interface SafetyPlan {
  patient_id: string;
  version: number;
  /** Present when an earlier version was asked for (?version=N). */
  current_version?: number;
  plan: SafetyPlanContent | null;
  with_patient?: boolean;
  updated_by?: string;
  updated_at?: string;
  versions: { version: number; created_by: string; created_at: string }[];
  crisis_resources: CrisisResource[];
}

export type Condition =
  | { item: string; op: string; value: number }
  | { declined: string }
  | { any: Condition[] }
  | { all: Condition[] };

export interface FormItem {
  id: string;
  text: string;
  type: 'choice' | 'number';
  options?: { value: number; label: string }[];
  min?: number;
  max?: number;
  integer?: boolean;
  required: boolean;
  allow_declined: boolean;
  show_if: Condition | null;
  anchors?: Record<string, string> | null;
}

export type Wording = 'original' | 'validated' | 'fallback_en' | 'labels_only';

export interface FormDefinition {
  id: string;
  version?: string;
  title: string;
  instructions?: string;
  administration?: string;
  language?: string;
  wording: Wording;
  items: FormItem[];
  bands?: { id: string; min: number; max: number; label: string }[];
}

export type Answer = number | 'declined';

export interface DueItem {
  kind: 'checkin' | 'measure';
  form?: string;
  instrument?: string;
  title?: string;
  administration?: string;
  /** weekly, every_4_weeks, at_admission, at_discharge, or `now` (asked for by a rule). */
  schedule?: string;
  /** For `now`: the rule that asked for it (phq9_item9, checkin_self_harm_…). */
  reason?: string;
  window_start: string;
  window_end: string;
  status: 'due' | 'done' | 'missed' | 'overdue';
}

export interface CheckinRecord {
  id: string;
  local_date: string;
  submitted_at: string;
  on_behalf: boolean;
  answers: Record<string, Answer>;
  /** Staff also get the reasons (which rule, at what level, in plain words). */
  risk: { level: RiskLevel; reasons?: { rule: string; level: RiskLevel; text: string }[] };
}

export interface Assessment {
  id: string;
  instrument: string;
  submitted_at: string;
  total?: number | null;
  severity?: string | null;
  classification?: string | null;
  subscales?: Record<string, number>;
  risk?: { level: RiskLevel };
  on_behalf?: boolean;
}

/** What a patient gets back from a check-in or a measure; staff also get the score, reasons and alerts. */
export interface SubmissionAnswer {
  id: string;
  risk: { level: RiskLevel; reasons?: { rule: string; text: string }[] };
  crisis_resources?: CrisisResource[];
  safety_plan?: SafetyPlanContent | null;
  alerts?: RaisedAlert[];
  total?: number | null;
  severity?: string | null;
  classification?: string | null;
  subscales?: Record<string, number>;
}

/** An alert a submission raised (the submission's answer names it; the alert screen has the rest). */
export interface RaisedAlert {
  id: string;
  rule: string;
  severity: Severity;
  status: string;
}
