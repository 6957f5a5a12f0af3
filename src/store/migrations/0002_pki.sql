-- Key center: every private key is stored wrapped under the master key (keycenter/key_wrap.h).
CREATE TABLE keys (
  id TEXT PRIMARY KEY,
  label TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  public_key BLOB NOT NULL,
  wrapped BLOB NOT NULL,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX keys_owner ON keys (owner);

-- CA: the authorities of the instance (roots, issuing CAs, OCSP/TSA service certificates,
-- imported trust anchors).
CREATE TABLE ca_authorities (
  name TEXT PRIMARY KEY,
  family TEXT NOT NULL,
  role TEXT NOT NULL,
  key_id TEXT NOT NULL,
  parent TEXT NOT NULL,
  cert BLOB NOT NULL,
  created_at TEXT NOT NULL
);

-- Every certificate issued, with its revocation state.
CREATE TABLE certificates (
  ca TEXT NOT NULL,
  serial TEXT NOT NULL,
  subject TEXT NOT NULL,
  profile TEXT NOT NULL,
  not_before TEXT NOT NULL,
  not_after TEXT NOT NULL,
  status TEXT NOT NULL,
  revoked_at TEXT,
  reason BIGINT NOT NULL,
  der BLOB NOT NULL,
  fingerprint TEXT NOT NULL,
  request_id BIGINT,
  key_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (ca, serial)
);
CREATE INDEX certificates_serial ON certificates (serial);
CREATE INDEX certificates_revoked ON certificates (ca, status);

-- The RA queue.
CREATE TABLE cert_requests (
  id BIGINT PRIMARY KEY,
  ca TEXT NOT NULL,
  profile TEXT NOT NULL,
  csr BLOB NOT NULL,
  subject TEXT NOT NULL,
  state TEXT NOT NULL,
  requester TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  serial TEXT NOT NULL,
  created_at TEXT NOT NULL,
  decided_at TEXT
);
CREATE INDEX cert_requests_state ON cert_requests (state, id);

-- Published CRLs.
CREATE TABLE crls (
  ca TEXT NOT NULL,
  number BIGINT NOT NULL,
  this_update TEXT NOT NULL,
  next_update TEXT NOT NULL,
  der BLOB NOT NULL,
  PRIMARY KEY (ca, number)
);
