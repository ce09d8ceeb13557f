-- Login (R6.5, R11, R29): passwords, second factors, lockout, rate limits and sessions.
--
-- Every table names its client by client_id TEXT. The foreign keys to the client table are
-- added by a later migration, once both tables exist in the same release.

-- auth_account holds one client's credentials and lockout state. The password is kept only as
-- an argon2id hash in PHC form ($argon2id$v=19$m=…,t=…,p=…$salt$hash): the parameters travel
-- with the hash, so they can be raised later while every stored hash still verifies.
CREATE TABLE auth_account (
    client_id        TEXT    NOT NULL PRIMARY KEY CHECK (client_id <> ''),
    password_hash    TEXT    NOT NULL CHECK (substr(password_hash, 1, 10) = '$argon2id$'),
    password_set_at  BIGINT  NOT NULL,
    -- The confirmed TOTP secret (RFC 6238) and one awaiting confirmation, each sealed by the
    -- vault (R37, DESIGN invariant 8): whoever holds a TOTP secret can compute the client's
    -- codes, so a copy of the database must not yield it. The ciphertext is bound to its
    -- column and client id, so a secret copied into another client's row (or from pending to
    -- confirmed) does not open. The length check refuses a clear secret written by mistake:
    -- a sealed one carries the vault's 93 bytes of overhead over at least 16 bytes of secret.
    totp_secret_sealed   BYTEA  CHECK (totp_secret_sealed IS NULL OR length(totp_secret_sealed) >= 109),
    totp_pending_sealed  BYTEA  CHECK (totp_pending_sealed IS NULL OR length(totp_pending_sealed) >= 109),
    -- The last TOTP time step accepted: a code for this step or an earlier one is refused, so a
    -- code seen once cannot be replayed (R11).
    totp_last_step   BIGINT  NOT NULL DEFAULT 0 CHECK (totp_last_step >= 0),
    -- Consecutive failures since the last success or lock, how many locks so far (the delay
    -- doubles with each), and until when the account is locked (0: not locked).
    failures         INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    lock_level       INTEGER NOT NULL DEFAULT 0 CHECK (lock_level >= 0),
    locked_until     BIGINT  NOT NULL DEFAULT 0
);

-- auth_challenge is the second step of a login or a password recovery. An SMS code is kept
-- only as a SHA-256 hash bound to the challenge id. used_at makes a code single-use (R11): the
-- guarded UPDATE … WHERE used_at IS NULL lets exactly one of two racing requests win.
CREATE TABLE auth_challenge (
    id          TEXT    NOT NULL PRIMARY KEY,
    client_id   TEXT    NOT NULL,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('login', 'recovery')),
    factor      TEXT    NOT NULL CHECK (factor IN ('sms', 'totp')),
    code_hash   BYTEA   CHECK (code_hash IS NULL OR length(code_hash) = 32),
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL,
    tries_left  INTEGER NOT NULL CHECK (tries_left >= 0),
    used_at     BIGINT,
    ip          TEXT    NOT NULL,
    user_agent  TEXT    NOT NULL,
    CHECK (expires_at > created_at),
    -- An SMS challenge without a code hash could be passed with any code.
    CHECK ((factor = 'sms') = (code_hash IS NOT NULL))
);

-- Old challenges of a client are found for clean-up and investigation.
CREATE INDEX auth_challenge_client ON auth_challenge (client_id, created_at);

-- auth_session is a signed-in device. Only the SHA-256 of the bearer token is stored, so a
-- copy of the database does not let anyone sign in. ended_at and end_reason go together.
CREATE TABLE auth_session (
    id            TEXT   NOT NULL PRIMARY KEY,
    token_hash    BYTEA  NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    client_id     TEXT   NOT NULL,
    factor        TEXT   NOT NULL CHECK (factor IN ('sms', 'totp')),
    ip            TEXT   NOT NULL,
    user_agent    TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    ended_at      BIGINT,
    end_reason    TEXT   NOT NULL DEFAULT '',
    CHECK (expires_at > created_at),
    CHECK ((ended_at IS NULL) = (end_reason = ''))
);

-- Listing a client's sessions and logging out everywhere read by client.
CREATE INDEX auth_session_client ON auth_session (client_id, created_at);

-- auth_rate counts attempts per bucket (a hashed account or address) in fixed windows. It is
-- in the database, not in memory, so that every server node counts against the same limit.
CREATE TABLE auth_rate (
    bucket        TEXT    NOT NULL,
    window_start  BIGINT  NOT NULL,
    hits          INTEGER NOT NULL CHECK (hits > 0),
    PRIMARY KEY (bucket, window_start)
);

-- auth_biometric_proof remembers each biometric check spent on a password recovery: the
-- primary key refuses a second recovery on the same check (R11, no replay).
CREATE TABLE auth_biometric_proof (
    check_id   TEXT   NOT NULL PRIMARY KEY CHECK (check_id <> ''),
    client_id  TEXT   NOT NULL,
    used_at    BIGINT NOT NULL
);
