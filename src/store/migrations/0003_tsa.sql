-- Time-stamp authority: durable serial counter and the audit log of every token issued.
CREATE TABLE tsa_counters (
  name TEXT PRIMARY KEY,
  next_value BIGINT NOT NULL
);
INSERT INTO tsa_counters (name, next_value) VALUES ('serial', 1);

CREATE TABLE tsa_tokens (
  serial BIGINT PRIMARY KEY,
  gen_time TEXT NOT NULL,
  family TEXT NOT NULL,
  hash TEXT NOT NULL,
  imprint TEXT NOT NULL,
  policy TEXT NOT NULL,
  nonce TEXT NOT NULL
);
CREATE INDEX tsa_tokens_time ON tsa_tokens (gen_time);
