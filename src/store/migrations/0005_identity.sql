-- Identity (identity/identity.h, docs/formats/identity.md): persons and organisations,
-- members, grants of an organisation's seal, sessions, real-name verifications, one-time codes
-- and the notification outbox. Sensitive values are sealed (SM4-GCM) by the identity module;
-- tokens and codes are stored as SM3 hashes.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  login_email TEXT UNIQUE,
  email TEXT NOT NULL,
  mobile TEXT NOT NULL,
  id_masked TEXT NOT NULL,
  id_sealed BLOB NOT NULL,
  id_index TEXT NOT NULL UNIQUE,
  legal_representative TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_sealed BLOB,
  totp_confirmed INTEGER NOT NULL,
  operator_role INTEGER NOT NULL,
  status TEXT NOT NULL,
  verification TEXT NOT NULL,
  verified_by TEXT NOT NULL,
  key_id TEXT NOT NULL,
  cert_serial TEXT NOT NULL,
  failed_logins INTEGER NOT NULL,
  locked_until TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE members (
  org_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  role TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (org_id, person_id)
);
CREATE INDEX members_person ON members (person_id);

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  person_id TEXT NOT NULL,
  contract_types TEXT NOT NULL,
  not_after TEXT,
  granted_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT,
  revoked_by TEXT NOT NULL
);
CREATE INDEX grants_org ON grants (org_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  method TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE verifications (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  state TEXT NOT NULL,
  material_sealed BLOB NOT NULL,
  summary TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX verifications_state ON verifications (state, submitted_at);

CREATE TABLE one_time_codes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  purpose TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  used INTEGER NOT NULL
);

CREATE TABLE outbox (
  id TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX outbox_recipient ON outbox (recipient, created_at);

-- Responses of creating POSTs sent with an Idempotency-Key (api/v1.h), per account and path.
CREATE TABLE idempotency_keys (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
