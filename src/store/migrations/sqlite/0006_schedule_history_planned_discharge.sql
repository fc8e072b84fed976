-- When a group moves to another track, or its track's weekly pattern changes, the pattern in
-- force until the day before the change is kept here, so sessions already held keep their days
-- and times (and their attendance its session). A group's pattern on a date is the first row
-- whose through_date is on or after it, else its track's current pattern.
CREATE TABLE group_schedule_history (
  org_id TEXT NOT NULL REFERENCES organizations(id),
  group_id TEXT NOT NULL REFERENCES groups(id),
  through_date TEXT NOT NULL,
  track_id TEXT NOT NULL REFERENCES tracks(id),
  weekdays TEXT NOT NULL,
  start_time TEXT NOT NULL,
  end_time TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_id, through_date)
) STRICT;
CREATE INDEX group_schedule_history_track ON group_schedule_history(track_id);

ALTER TABLE tracks ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tracks ADD COLUMN updated_at INTEGER;
ALTER TABLE rooms ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE rooms ADD COLUMN updated_at INTEGER;

-- The day a discharge is planned for: AUDIT-C is due in the week before it (rules.md: at
-- admission and discharge).
ALTER TABLE episodes ADD COLUMN planned_discharge_on TEXT;
