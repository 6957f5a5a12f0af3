-- Notifications (notify/): delivery state of the outbox rows that the outbox worker sends by
-- email (SMTP) or SMS, and organisations' webhooks with their deliveries and every attempt
-- (docs/formats/webhooks.md).
--
-- Outbox rows: state pending | sent | failed | expired. A worker takes a pending row whose
-- next_attempt_at is NULL or past and leases it by moving next_attempt_at forward; a sent,
-- failed or expired row has its body replaced (bodies carry one-time codes), the subject stays.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN expires_at TEXT;
-- Rows written before this migration were never sent and hold codes long expired.
UPDATE outbox SET state = 'expired', body = '' WHERE sent_at IS NULL;
UPDATE outbox SET state = 'sent', body = '' WHERE sent_at IS NOT NULL;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);

-- Webhooks of an organisation. The signing secret is sealed (SM4-GCM under a key derived from
-- the master key, the webhook id as associated data); events is "*" or a comma-separated list
-- of event types (an entry "contract.*" matches every contract event).
CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret_sealed BLOB NOT NULL,
  events TEXT NOT NULL,
  description TEXT NOT NULL,
  active INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks (org_id, created_at);

-- One event for one webhook. body is the exact JSON posted (the same bytes on every attempt);
-- state pending | delivered | failed | cancelled.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id TEXT NOT NULL,
  org_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  body TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT,
  last_status INTEGER NOT NULL,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);

-- Every attempt of a delivery: HTTP status (0 when there was no answer), error, duration.
CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  status INTEGER NOT NULL,
  error TEXT NOT NULL,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);
