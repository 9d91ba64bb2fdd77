-- The second factor: a user's TOTP secret (base32, as authenticator apps take it) and the
-- last time step accepted, so a code is good once. Kept apart from app_user so the secret
-- never travels with user rows (caches, audit snapshots).
CREATE TABLE user_totp (
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES app_user (id),
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL,
    enabled_at TIMESTAMPTZ NOT NULL
);

-- One-time recovery codes (sha256 of the normalised code; shown once).
CREATE TABLE recovery_code (
    id BIGINT NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES app_user (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMPTZ
);
CREATE INDEX recovery_code_user ON recovery_code (user_id);
