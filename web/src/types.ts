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
  idle_timeout_seconds?: number;
  user: User;
}

export interface SessionAnswer {
  user: User;
  csrf_token: string;
  expires_at: string;
  idle_timeout_seconds?: number;
}

export interface CrisisResource {
  name: string;
  phone: string;
  description?: string;
  language?: string;
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
}

export interface Room {
  id: string;
  name: string;
  capacity: number;
}

export interface ProgramSettings {
  crisis_resources: CrisisResource[];
  measurement_schedule?: { checkin_cutoff?: string };
  ack_deadlines_minutes?: { imminent?: number; high?: number; warning?: number };
  escalation_chain?: string[];
  cosignature_required?: boolean;
  closures?: { date: string; reason?: string }[];
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
  code: 'nobody_on_call' | 'clinician_gaps' | 'no_channel' | string;
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
