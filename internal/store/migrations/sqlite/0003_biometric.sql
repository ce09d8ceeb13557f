-- Biometric identification through ЦОИД with active liveness (R35), its results kept as
-- electronic documents (R34), and the anti-fraud signals a failed identification raises.
-- The same tables as the PostgreSQL migration 0003; see the comments there.
--
-- The client is named by IIN, not by a client id: identification happens during registration,
-- before a client row exists, and the IIN never changes (R6.7). It is never kept in clear
-- (R37): a blind index for lookups and constraints, a vault-sealed copy to read it back.

-- biometric_session is one identification the MFO asked the provider for.
CREATE TABLE biometric_session (
    id                   TEXT    PRIMARY KEY,
    provider_session_id  TEXT    NOT NULL UNIQUE,
    -- R37: the IIN's blind index (lookups, the R35 constraint) and its sealed copy.
    iin_index            BLOB    NOT NULL CHECK (length(iin_index) = 32),
    iin_sealed           BLOB    NOT NULL,
    -- A nonce is bound to one session (R11).
    nonce                TEXT    NOT NULL UNIQUE CHECK (nonce <> ''),
    movements            TEXT    NOT NULL CHECK (movements <> ''),
    status               TEXT    NOT NULL CHECK (status IN ('open', 'passed', 'failed', 'expired')),
    attempts             INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= max_attempts),
    max_attempts         INTEGER NOT NULL CHECK (max_attempts > 0),
    created_at           INTEGER NOT NULL,
    expires_at           INTEGER NOT NULL CHECK (expires_at > created_at),
    ended_at             INTEGER,
    CHECK ((status = 'open') = (ended_at IS NULL)),
    -- R35: a sequence is never issued twice to one client; this constraint IS the guarantee,
    -- over the blind index, which is equal exactly when the IINs are.
    UNIQUE (iin_index, movements)
) STRICT;

-- biometric_check is the electronic biometric identification document (R34), kept as
-- received and never changed or deleted (triggers below).
CREATE TABLE biometric_check (
    id                   TEXT    PRIMARY KEY,
    session_id           TEXT    NOT NULL REFERENCES biometric_session (id),
    attempt              INTEGER NOT NULL CHECK (attempt > 0),
    outcome              TEXT    NOT NULL CHECK (outcome IN ('passed', 'refused')),
    reason               TEXT    NOT NULL,
    similarity_permille  INTEGER NOT NULL CHECK (similarity_permille BETWEEN 0 AND 1000),
    provider_checked_at  INTEGER NOT NULL,
    received_at          INTEGER NOT NULL,
    -- Sealed by the vault (it carries the IIN, R37); opened, the result as received (R34).
    -- raw_digest is the SHA-256 of the bytes as received.
    raw_result           BLOB    NOT NULL,
    raw_digest           BLOB    NOT NULL CHECK (length(raw_digest) = 32),
    signature            BLOB    NOT NULL,
    CHECK ((outcome = 'passed') = (reason = '')),
    UNIQUE (session_id, attempt)
) STRICT;

-- A session passes at most once.
CREATE UNIQUE INDEX biometric_check_one_pass ON biometric_check (session_id) WHERE outcome = 'passed';

CREATE TRIGGER biometric_check_no_update BEFORE UPDATE ON biometric_check
BEGIN
    SELECT RAISE(ABORT, 'biometric checks are kept as received: UPDATE on biometric_check refused');
END;
CREATE TRIGGER biometric_check_no_delete BEFORE DELETE ON biometric_check
BEGIN
    SELECT RAISE(ABORT, 'biometric checks are kept as received: DELETE on biometric_check refused');
END;

-- antifraud_signal is the inbox of the anti-fraud analysis (see the PostgreSQL migration).
CREATE TABLE antifraud_signal (
    id           TEXT    PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind <> ''),
    -- R37: the IIN as a blind index and sealed.
    iin_index    BLOB    NOT NULL CHECK (length(iin_index) = 32),
    iin_sealed   BLOB    NOT NULL,
    object_type  TEXT    NOT NULL,
    object_id    TEXT    NOT NULL,
    details      TEXT    NOT NULL,
    raised_at    INTEGER NOT NULL,
    consumed_at  INTEGER
) STRICT;

-- The worker takes the unconsumed signals, oldest first.
CREATE INDEX antifraud_signal_unconsumed ON antifraud_signal (raised_at) WHERE consumed_at IS NULL;
