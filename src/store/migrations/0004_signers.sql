-- Certificates of keys that the platform holds (signing identities), found by key.
CREATE INDEX certificates_key ON certificates (key_id);
