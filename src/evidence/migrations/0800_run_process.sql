-- Who runs each run (host, process id and that process's start time), so the next command can mark the
-- runs of a killed process as 'interrupted' instead of leaving them 'running' for ever.
ALTER TABLE runs ADD COLUMN host TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN process_started REAL;
