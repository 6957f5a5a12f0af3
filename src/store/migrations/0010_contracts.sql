-- Contracts (contract/contract.h): uploaded documents, contracts with their parties and
-- signature fields, the timeline of each contract (every row is also a leaf of the evidence
-- log once `leaf_index` is set), single-use invitation links, and the per-organisation
-- archive setting.
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sm3 TEXT NOT NULL,
  blob TEXT NOT NULL,
  size BIGINT NOT NULL,
  pages INTEGER NOT NULL,
  wrapped_key BLOB,
  created_at TEXT NOT NULL
);
CREATE INDEX documents_owner ON documents (owner_id, created_at);

CREATE TABLE contracts (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  creator_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  contract_type TEXT NOT NULL,
  document_id TEXT NOT NULL,
  current_sm3 TEXT NOT NULL,
  current_blob TEXT NOT NULL,
  current_wrapped_key BLOB,
  flow TEXT NOT NULL,
  state TEXT NOT NULL,
  deadline TEXT,
  reason TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT,
  completed_at TEXT
);
CREATE INDEX contracts_creator ON contracts (creator_id, created_at);
CREATE INDEX contracts_org ON contracts (org_id, created_at);
CREATE INDEX contracts_open ON contracts (state, deadline);

CREATE TABLE contract_parties (
  contract_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  person_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  name TEXT NOT NULL,
  page INTEGER NOT NULL,
  -- The signature field, in hundredths of a PDF point.
  x BIGINT NOT NULL,
  y BIGINT NOT NULL,
  width BIGINT NOT NULL,
  height BIGINT NOT NULL,
  status TEXT NOT NULL,
  signed_at TEXT,
  signature_id TEXT NOT NULL,
  seal_id TEXT NOT NULL,
  PRIMARY KEY (contract_id, idx)
);
CREATE INDEX contract_parties_person ON contract_parties (person_id);
CREATE INDEX contract_parties_org ON contract_parties (org_id);

CREATE TABLE contract_events (
  contract_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  details TEXT NOT NULL,
  leaf_index BIGINT NOT NULL,
  PRIMARY KEY (contract_id, seq)
);
CREATE INDEX contract_events_pending ON contract_events (leaf_index);

CREATE TABLE contract_invitations (
  token_hash TEXT PRIMARY KEY,
  contract_id TEXT NOT NULL,
  party INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);

CREATE TABLE org_archive_settings (
  org_id TEXT PRIMARY KEY,
  encrypted INTEGER NOT NULL
);
