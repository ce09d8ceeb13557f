-- Login (R6.5, R11, R29). The PostgreSQL migration of the same number explains each table;
-- this one keeps the same columns, constraints and meanings in SQLite's types.

CREATE TABLE auth_account (
    client_id        TEXT    NOT NULL PRIMARY KEY CHECK (client_id <> ''),
    password_hash    TEXT    NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'),
    password_set_at  INTEGER NOT NULL,
    -- Sealed by the vault, bound to column and client (R37); see the PostgreSQL migration.
    totp_secret_sealed   BLOB  CHECK (totp_secret_sealed IS NULL OR length(totp_secret_sealed) >= 109),
    totp_pending_sealed  BLOB  CHECK (totp_pending_sealed IS NULL OR length(totp_pending_sealed) >= 109),
    totp_last_step   INTEGER NOT NULL DEFAULT 0 CHECK (totp_last_step >= 0),
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lock_level       INTEGER NOT NULL DEFAULT 0 CHECK (lock_level >= 0),
    locked_until     INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE auth_challenge (
    id          TEXT    NOT NULL PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('login', 'recovery')),
    factor      TEXT    NOT NULL CHECK (factor IN ('sms', 'totp')),
    code_hash   BLOB    CHECK (code_hash IS NULL OR length(code_hash) = 32),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    tries_left  INTEGER NOT NULL CHECK (tries_left >= 0),
    used_at     INTEGER,
    ip          TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    CHECK (expires_at > created_at),
    CHECK ((factor = 'sms') = (code_hash IS NOT NULL))
) STRICT;

CREATE INDEX auth_challenge_client ON auth_challenge (client_id, created_at);

CREATE TABLE auth_session (
    id            TEXT    NOT NULL PRIMARY KEY,
    token_hash    BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    client_id     TEXT    NOT NULL,
    factor        TEXT    NOT NULL CHECK (factor IN ('sms', 'totp')),
    ip            TEXT    NOT NULL,
    user_agent    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    end_reason    TEXT    NOT NULL DEFAULT '',
    CHECK (expires_at > created_at),
    CHECK ((ended_at IS NULL) = (end_reason = ''))
) STRICT;

CREATE INDEX auth_session_client ON auth_session (client_id, created_at);

CREATE TABLE auth_rate (
    bucket        TEXT    NOT NULL,
    window_start  INTEGER NOT NULL,
    hits          INTEGER NOT NULL CHECK (hits > 0),
    PRIMARY KEY (bucket, window_start)
) STRICT;

CREATE TABLE auth_biometric_proof (
    check_id   TEXT    NOT NULL PRIMARY KEY CHECK (check_id <> ''),
    client_id  TEXT    NOT NULL,
    used_at    INTEGER NOT NULL
) STRICT;
