-- When each one-time code was made, so that the interval between two codes to one account
-- (identity::Settings::code_interval) counts codes only, not every message to the address
-- (invitations and "your turn" notices go to the same outbox). Codes made before this
-- migration have none and no longer matter: they expire within minutes.
ALTER TABLE one_time_codes ADD COLUMN created_at TEXT;
CREATE INDEX one_time_codes_account ON one_time_codes (account_id, channel, created_at);
