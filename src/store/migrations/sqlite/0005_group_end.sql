-- A group that ends: its last day (program-local date). No sessions are generated after it and
-- placement no longer offers it; what happened before stays as it was.
ALTER TABLE groups ADD COLUMN ends_on TEXT;
