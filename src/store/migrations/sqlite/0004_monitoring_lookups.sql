-- Crisis actions recorded at the same instant keep the order they were recorded in (a per-crisis
-- sequence, assigned on the single writer), not the order of their random ids.
ALTER TABLE crisis_actions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;

-- The reasons behind one check-in or measure, for the staff's list of check-ins.
CREATE INDEX risk_events_source ON risk_events(source_type, source_id);
