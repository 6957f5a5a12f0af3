-- Signing intent (签署意愿, identity/intent.h): a fresh confirmation by a person, bound to the
-- digest of what is to be signed, single use; and the record of every signature made with an
-- account's key (who, with which key, over what, on whose behalf, under which intent/grant).
CREATE TABLE intents (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  binding TEXT NOT NULL,
  method TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX intents_account ON intents (account_id, created_at);

CREATE TABLE signature_records (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  signer_id TEXT NOT NULL,
  data_digest TEXT NOT NULL,
  intent_id TEXT NOT NULL,
  grant_id TEXT NOT NULL,
  signature BLOB NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX signature_records_account ON signature_records (account_id, created_at);

-- Persons verified by the `certificate` provider may log in by certificate challenge: the
-- SHA-256 fingerprint (hex) of the certificate they proved control of.
ALTER TABLE accounts ADD COLUMN login_cert TEXT NOT NULL DEFAULT '';
CREATE INDEX accounts_login_cert ON accounts (login_cert);

-- The last TOTP time step accepted for an account: a code is not accepted twice.
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
