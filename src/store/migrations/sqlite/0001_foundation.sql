-- Foundation schema. Times are INTEGER milliseconds since the Unix epoch (UTC); calendar dates are
-- TEXT 'YYYY-MM-DD'; ids are opaque TEXT. Every table of clinic data carries org_id, the future
-- shard key.

CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  demo INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE sites (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sites_org ON sites(org_id);

CREATE TABLE programs (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL,
  focus TEXT NOT NULL,
  population TEXT NOT NULL,
  level_of_care TEXT NOT NULL,
  days_per_week INTEGER NOT NULL,
  hours_per_day REAL NOT NULL,
  min_hours_per_week REAL NOT NULL,
  time_zone TEXT NOT NULL,
  language TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  settings_version INTEGER NOT NULL DEFAULT 1,
  roster_version INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX programs_org ON programs(org_id);

-- Staff and patient accounts. Usernames are stored lower-case.
CREATE TABLE users (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  password_hash TEXT,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL,
  language TEXT NOT NULL,
  licensed INTEGER NOT NULL DEFAULT 0,
  email TEXT,
  phone TEXT,
  patient_id TEXT REFERENCES patients(id),
  invite_hash BLOB,
  invite_expires_at INTEGER,
  active INTEGER NOT NULL DEFAULT 1,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  password_changed_at INTEGER
) STRICT;
CREATE UNIQUE INDEX users_username ON users(username);
CREATE UNIQUE INDEX users_patient ON users(patient_id) WHERE patient_id IS NOT NULL;
CREATE UNIQUE INDEX users_invite ON users(invite_hash) WHERE invite_hash IS NOT NULL;
CREATE INDEX users_org_role ON users(org_id, role);

CREATE TABLE staff_programs (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  PRIMARY KEY (user_id, program_id)
) STRICT;
CREATE INDEX staff_programs_program ON staff_programs(program_id, user_id);

CREATE TABLE patients (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  given_name TEXT NOT NULL,
  family_name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  sex TEXT NOT NULL,
  preferred_language TEXT NOT NULL,
  phone TEXT,
  email TEXT,
  emergency_contact TEXT,
  created_by TEXT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX patients_org_name ON patients(org_id, name_key, birth_date);
CREATE INDEX patients_org_birth ON patients(org_id, birth_date);
CREATE INDEX patients_created_by ON patients(created_by);

CREATE TABLE episodes (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  status TEXT NOT NULL,
  referral_source TEXT NOT NULL,
  admitted_on TEXT NOT NULL,
  primary_therapist_id TEXT REFERENCES users(id),
  psychiatrist_id TEXT REFERENCES users(id),
  previous_episode_id TEXT REFERENCES episodes(id),
  discharged_on TEXT,
  discharge_reason TEXT,
  aftercare TEXT,
  discharged_at INTEGER,
  created_by TEXT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX episodes_patient ON episodes(patient_id, status);
CREATE INDEX episodes_program ON episodes(program_id, status);
CREATE INDEX episodes_therapist ON episodes(primary_therapist_id, status);
CREATE INDEX episodes_psychiatrist ON episodes(psychiatrist_id, status);
CREATE UNIQUE INDEX episodes_one_active ON episodes(patient_id) WHERE status = 'active';

-- Program staff on an episode's care team (therapist and psychiatrist are columns of episodes).
CREATE TABLE episode_staff (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  episode_id TEXT NOT NULL REFERENCES episodes(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (episode_id, user_id)
) STRICT;
CREATE INDEX episode_staff_user ON episode_staff(user_id);

CREATE TABLE sessions (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  token_hash BLOB NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  remember_device INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  idle_ms INTEGER NOT NULL,
  absolute_expires_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_reason TEXT,
  client_addr TEXT
) STRICT;
CREATE UNIQUE INDEX sessions_token ON sessions(token_hash);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_open ON sessions(absolute_expires_at) WHERE ended_at IS NULL;

-- Failed-login delays per account and per client address (not clinic data: keyed by a hash).
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  blocked_until INTEGER NOT NULL
) STRICT;

CREATE TABLE idempotency_keys (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  request_hash BLOB NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) STRICT;
CREATE INDEX idempotency_created ON idempotency_keys(created_at);

-- Append-only, one keyed hash chain per organization (see src/audit/chain.h).
CREATE TABLE audit_log (
  org_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  user_id TEXT,
  role TEXT,
  action TEXT NOT NULL,
  resource_type TEXT,
  resource_id TEXT,
  patient_id TEXT,
  outcome TEXT NOT NULL,
  rule TEXT,
  request_id TEXT,
  client_addr TEXT,
  detail TEXT,
  prev_hash BLOB NOT NULL,
  hash BLOB NOT NULL,
  PRIMARY KEY (org_id, seq)
) STRICT;
CREATE INDEX audit_patient ON audit_log(org_id, patient_id, at);
CREATE INDEX audit_user ON audit_log(org_id, user_id, at);
CREATE INDEX audit_at ON audit_log(org_id, at);

CREATE TABLE on_call_shifts (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs(id),
  staff_id TEXT NOT NULL REFERENCES users(id),
  tier TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
) STRICT;
CREATE INDEX on_call_program ON on_call_shifts(program_id, starts_at);
CREATE INDEX on_call_staff ON on_call_shifts(staff_id, ends_at);

CREATE TABLE rooms (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id),
  name TEXT NOT NULL,
  capacity INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE tracks (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs(id),
  name TEXT NOT NULL,
  weekdays TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tracks_program ON tracks(program_id);

CREATE TABLE groups (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL REFERENCES programs(id),
  track_id TEXT NOT NULL REFERENCES tracks(id),
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  leader_id TEXT NOT NULL REFERENCES users(id),
  co_leader_id TEXT REFERENCES users(id),
  room_id TEXT REFERENCES rooms(id),
  capacity INTEGER NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX groups_leader ON groups(leader_id);
CREATE INDEX groups_co_leader ON groups(co_leader_id);
CREATE INDEX groups_program ON groups(program_id);

CREATE TABLE group_members (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  group_id TEXT NOT NULL REFERENCES groups(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  PRIMARY KEY (group_id, patient_id)
) STRICT;
CREATE INDEX group_members_patient ON group_members(patient_id);

CREATE TABLE break_glass (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  reason TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX break_glass_user ON break_glass(user_id, patient_id, expires_at);

-- In-app notifications to staff (break-glass use, later alerts); out-of-band delivery is separate.
CREATE TABLE notifications (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  kind TEXT NOT NULL,
  patient_id TEXT REFERENCES patients(id),
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  read_at INTEGER
) STRICT;
CREATE INDEX notifications_user ON notifications(user_id, created_at);
