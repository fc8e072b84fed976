-- Program operations: availability, session changes, appointments, attendance, certification of
-- need, clinical notes, treatment plans, medications, recovery support.

-- Weekly windows as JSON [{weekday, start, end}] in the owner's time zone.
CREATE TABLE staff_availability (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  time_zone TEXT NOT NULL,
  weekly TEXT NOT NULL,
  exceptions TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE patient_availability (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  patient_id TEXT PRIMARY KEY REFERENCES patients(id),
  unavailable TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;

-- Group sessions are generated from their track; one occurrence may be moved or cancelled.
CREATE TABLE session_overrides (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  session_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL REFERENCES groups(id),
  local_date TEXT NOT NULL,
  cancelled INTEGER NOT NULL DEFAULT 0,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  room_id TEXT REFERENCES rooms(id),
  reason TEXT,
  version INTEGER NOT NULL DEFAULT 2,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX session_overrides_group ON session_overrides(group_id, local_date);

CREATE TABLE appointments (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  staff_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL,
  room_id TEXT REFERENCES rooms(id),
  status TEXT NOT NULL,
  reason TEXT,
  created_by TEXT NOT NULL REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX appointments_patient ON appointments(patient_id, starts_at);
CREATE INDEX appointments_staff ON appointments(staff_id, starts_at);
CREATE INDEX appointments_room ON appointments(room_id, starts_at);
CREATE INDEX appointments_program ON appointments(program_id, starts_at);

-- Attendance per session and patient; minutes in a real column (hours are summed over weeks).
CREATE TABLE attendance (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  session_id TEXT NOT NULL,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  kind TEXT NOT NULL,
  session_starts_at INTEGER NOT NULL,
  session_ends_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  time_in INTEGER,
  time_out INTEGER,
  break_minutes INTEGER NOT NULL DEFAULT 0,
  minutes INTEGER NOT NULL,
  recorded_by TEXT NOT NULL REFERENCES users(id),
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, patient_id)
) STRICT;
CREATE INDEX attendance_patient ON attendance(patient_id, session_starts_at);

CREATE TABLE certifications (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  episode_id TEXT NOT NULL REFERENCES episodes(id),
  certified_on TEXT NOT NULL,
  certified_by TEXT NOT NULL REFERENCES users(id),
  next_due_on TEXT NOT NULL,
  recorded_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX certifications_episode ON certifications(episode_id, certified_on);

-- Notes: a group note has no patient; its member entries go to each member's chart.
CREATE TABLE notes (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  patient_id TEXT REFERENCES patients(id),
  session_id TEXT,
  group_id TEXT REFERENCES groups(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  status TEXT NOT NULL,
  content TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  content_hash TEXT,
  signed_by TEXT REFERENCES users(id),
  signed_at INTEGER,
  late INTEGER NOT NULL DEFAULT 0,
  cosign_required INTEGER NOT NULL DEFAULT 0,
  cosign_due_at INTEGER,
  cosigned_by TEXT REFERENCES users(id),
  cosigned_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX notes_patient ON notes(patient_id, occurred_at);
CREATE INDEX notes_session ON notes(session_id);
CREATE INDEX notes_cosign ON notes(program_id, cosign_due_at) WHERE cosign_required = 1 AND cosigned_at IS NULL;

CREATE TABLE note_entries (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  note_id TEXT NOT NULL REFERENCES notes(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  text TEXT NOT NULL,
  PRIMARY KEY (note_id, patient_id)
) STRICT;
CREATE INDEX note_entries_patient ON note_entries(patient_id);

CREATE TABLE note_addenda (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  note_id TEXT NOT NULL REFERENCES notes(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX note_addenda_note ON note_addenda(note_id, created_at);

-- Every version of a treatment plan is kept.
CREATE TABLE treatment_plans (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, version)
) STRICT;

CREATE TABLE treatment_plan_events (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  plan_version INTEGER NOT NULL,
  kind TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  note TEXT,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX treatment_plan_events_patient ON treatment_plan_events(patient_id, at);

-- Medications: every version of every entry is kept; no prescribing.
CREATE TABLE medications (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  name TEXT NOT NULL,
  dose TEXT NOT NULL,
  schedule TEXT NOT NULL,
  start_date TEXT NOT NULL,
  stop_date TEXT,
  note TEXT,
  changed_by TEXT NOT NULL REFERENCES users(id),
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (id, version)
) STRICT;
CREATE INDEX medications_patient ON medications(patient_id, id, version);

CREATE TABLE meetings (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  kind TEXT NOT NULL,
  on_date TEXT NOT NULL,
  note TEXT,
  recorded_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX meetings_patient ON meetings(patient_id, on_date);

CREATE TABLE recovery_support (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  patient_id TEXT PRIMARY KEY REFERENCES patients(id),
  sponsor_name TEXT,
  sponsor_phone TEXT,
  sponsor_last_contact TEXT,
  step INTEGER,
  step_note TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at INTEGER NOT NULL
) STRICT;

-- Week-level signals raised once per patient and week (the weekly minimum out of reach).
CREATE TABLE weekly_signals (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  week TEXT NOT NULL,
  rule TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, week, rule)
) STRICT;
