-- Seals (seal/seal.h, docs/formats/seals.md): the seals of persons and organisations with
-- their pictures (PNG, in the row: a seal and its picture are created together), the
-- restriction of grants to seals, and the append-only usage log.
CREATE TABLE seals (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  seal_code TEXT NOT NULL,
  center_text TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  image_png BLOB NOT NULL,
  image_sm3 TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  image_size BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_reason TEXT NOT NULL,
  status_changed_by TEXT NOT NULL,
  status_changed_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT NOT NULL,
  revoked_reason TEXT NOT NULL
);
CREATE INDEX seals_owner ON seals (owner_id, created_at);

-- A grant with rows here covers only these seals; without rows, all its organisation's.
CREATE TABLE seal_grants (
  grant_id TEXT NOT NULL,
  seal_id TEXT NOT NULL,
  PRIMARY KEY (grant_id, seal_id)
);
CREATE INDEX seal_grants_seal ON seal_grants (seal_id);

CREATE TABLE seal_uses (
  id TEXT PRIMARY KEY,
  seal_id TEXT NOT NULL,
  used_at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  grant_id TEXT NOT NULL,
  contract_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  purpose TEXT NOT NULL,
  document_digest TEXT NOT NULL
);
CREATE INDEX seal_uses_seal ON seal_uses (seal_id, used_at);
CREATE INDEX seal_uses_contract ON seal_uses (contract_id);
