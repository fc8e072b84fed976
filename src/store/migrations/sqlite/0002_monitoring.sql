-- Continuous monitoring: check-ins, measures, risk events, alerts with their history, the durable
-- event sequence of the live stream, the delivery outbox, crises, safety plans, time-driven work.

CREATE TABLE checkins (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  episode_id TEXT NOT NULL REFERENCES episodes(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  form_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  submitted_by TEXT NOT NULL REFERENCES users(id),
  on_behalf INTEGER NOT NULL,
  answers TEXT NOT NULL,
  -- Aggregated values in real columns (reports never parse the JSON).
  mood INTEGER,
  anxiety INTEGER,
  craving INTEGER,
  used INTEGER,
  sleep_hours REAL,
  medication INTEGER,
  self_harm_thoughts INTEGER,
  self_harm_intent INTEGER,
  binge INTEGER,
  purge INTEGER,
  restrict_episodes INTEGER,
  meetings INTEGER,
  risk_level TEXT NOT NULL
) STRICT;
CREATE INDEX checkins_patient ON checkins(patient_id, submitted_at);
CREATE INDEX checkins_patient_date ON checkins(patient_id, local_date);
CREATE INDEX checkins_program_date ON checkins(program_id, local_date);

CREATE TABLE assessments (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  episode_id TEXT NOT NULL REFERENCES episodes(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  instrument_id TEXT NOT NULL,
  instrument_version TEXT NOT NULL,
  submitted_at INTEGER NOT NULL,
  submitted_by TEXT NOT NULL REFERENCES users(id),
  on_behalf INTEGER NOT NULL,
  answers TEXT NOT NULL,
  total REAL,
  band TEXT,
  classification TEXT,
  subscales TEXT,
  risk_level TEXT NOT NULL
) STRICT;
CREATE INDEX assessments_patient ON assessments(patient_id, instrument_id, submitted_at);
CREATE INDEX assessments_episode ON assessments(episode_id, instrument_id, submitted_at);

CREATE TABLE risk_events (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  episode_id TEXT REFERENCES episodes(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  source_type TEXT NOT NULL,
  source_id TEXT,
  rule TEXT NOT NULL,
  level TEXT NOT NULL,
  params TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX risk_events_patient ON risk_events(patient_id, at);

CREATE TABLE alerts (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  episode_id TEXT REFERENCES episodes(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  rule TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  params TEXT NOT NULL,
  raised_at INTEGER NOT NULL,
  last_fired_at INTEGER NOT NULL,
  deadline_at INTEGER,
  escalation_step INTEGER NOT NULL DEFAULT 0,
  assignee_id TEXT REFERENCES users(id),
  acknowledged_by TEXT REFERENCES users(id),
  acknowledged_at INTEGER,
  resolved_by TEXT REFERENCES users(id),
  resolved_at INTEGER,
  last_event_seq INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
-- De-duplication by (patient, rule) while an alert is not resolved (rules.md: "Repeats").
CREATE UNIQUE INDEX alerts_open_rule ON alerts(patient_id, rule) WHERE status <> 'resolved';
CREATE INDEX alerts_deadline ON alerts(deadline_at) WHERE deadline_at IS NOT NULL;
CREATE INDEX alerts_program_status ON alerts(program_id, status, raised_at);
CREATE INDEX alerts_patient ON alerts(patient_id, raised_at);
CREATE INDEX alerts_acknowledged_by ON alerts(acknowledged_by) WHERE status = 'acknowledged';

CREATE TABLE alert_history (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL REFERENCES alerts(id),
  ord INTEGER NOT NULL,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  user_id TEXT REFERENCES users(id),
  recipient_id TEXT REFERENCES users(id),
  channels TEXT,
  detail TEXT
) STRICT;
CREATE UNIQUE INDEX alert_history_alert ON alert_history(alert_id, ord);

-- The live stream's durable, increasing event ids.
CREATE TABLE stream_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  org_id TEXT NOT NULL REFERENCES organizations(id),
  program_id TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  alert_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX stream_events_at ON stream_events(at);

-- Deliveries outside the process (webhooks, e-mail): at least once, retried with backoff.
CREATE TABLE outbox (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  program_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  delivered_at INTEGER,
  last_error TEXT
) STRICT;
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE crises (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  episode_id TEXT REFERENCES episodes(id),
  program_id TEXT NOT NULL REFERENCES programs(id),
  alert_id TEXT REFERENCES alerts(id),
  opened_by TEXT NOT NULL REFERENCES users(id),
  opened_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  disposition TEXT,
  closed_at INTEGER,
  closed_by TEXT REFERENCES users(id),
  version INTEGER NOT NULL DEFAULT 1
) STRICT;
CREATE INDEX crises_patient ON crises(patient_id, opened_at);
CREATE INDEX crises_open ON crises(program_id, status);

CREATE TABLE crisis_actions (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  crisis_id TEXT NOT NULL REFERENCES crises(id),
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  note TEXT
) STRICT;
CREATE INDEX crisis_actions_crisis ON crisis_actions(crisis_id, at);

CREATE TABLE crisis_responders (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  crisis_id TEXT NOT NULL REFERENCES crises(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (crisis_id, user_id)
) STRICT;
CREATE INDEX crisis_responders_user ON crisis_responders(user_id);

-- Every version of a safety plan is kept (Stanley–Brown steps as JSON).
CREATE TABLE safety_plans (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  patient_id TEXT NOT NULL REFERENCES patients(id),
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  with_patient INTEGER NOT NULL,
  created_by TEXT NOT NULL REFERENCES users(id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, version)
) STRICT;

-- Measures due now because of a rule (C-SSRS the same day after PHQ-9 item 9; ASQ after
-- self-harm thoughts), beside the per-program schedule.
CREATE TABLE due_now (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  id TEXT PRIMARY KEY,
  patient_id TEXT NOT NULL REFERENCES patients(id),
  instrument_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  due_by INTEGER NOT NULL,
  completed_at INTEGER
) STRICT;
CREATE INDEX due_now_patient ON due_now(patient_id, completed_at);

-- How far the time-driven work has got, per program, so that it survives restarts.
CREATE TABLE program_jobs (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  program_id TEXT PRIMARY KEY REFERENCES programs(id),
  watched_since TEXT NOT NULL,
  missed_checkins_through TEXT NOT NULL,
  weekly_checked_on TEXT
) STRICT;
