-- Evidence log (src/evidence/, docs/formats/evidence.md): every event with its leaf hash, the
-- hashes of complete subtrees (level >= 1) as they complete, and the signed tree heads.
-- Append-only: nothing here is ever updated or deleted.
CREATE TABLE evidence_events (
  idx BIGINT PRIMARY KEY,
  event_type TEXT NOT NULL,
  subject TEXT NOT NULL,
  actor TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  previous_idx BIGINT NOT NULL,
  details TEXT NOT NULL,
  leaf_hash BLOB NOT NULL
);
CREATE INDEX evidence_events_subject ON evidence_events (subject, idx);

CREATE TABLE evidence_nodes (
  node_level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  node_hash BLOB NOT NULL,
  PRIMARY KEY (node_level, idx)
);

CREATE TABLE evidence_heads (
  tree_size BIGINT PRIMARY KEY,
  log_id TEXT NOT NULL,
  hash_alg TEXT NOT NULL,
  root BLOB NOT NULL,
  signed_at TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  signature BLOB NOT NULL,
  timestamp_token BLOB NOT NULL,
  signer_spki BLOB NOT NULL
);
