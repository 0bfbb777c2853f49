-- Re-ingest finds a file by a hash of its path (path_key), so the stored path need not hold the file's
-- real name (file names can name pupils); sources.path keeps a display path.
ALTER TABLE sources ADD COLUMN path_key TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX sources_path_key ON sources(path_key) WHERE path_key <> '';
DROP INDEX sources_path;
