-- Instance metadata: identity of this hetong instance and facts recorded at init.
CREATE TABLE instance_meta (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
