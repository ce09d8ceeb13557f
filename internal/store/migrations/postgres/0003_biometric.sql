-- Biometric identification through ЦОИД with active liveness (R35), its results kept as
-- electronic documents (R34), and the anti-fraud signals a failed identification raises.
--
-- The client is named by IIN, not by a client id: identification happens during registration,
-- before a client row exists, and the IIN never changes (R6.7). The IIN is personal data and is
-- never kept in clear (R37, DESIGN invariant 8): each table holds its blind index (HMAC under
-- the MFO's index key, of the same kind "iin" the client table uses, so the two compare equal)
-- for lookups and constraints, and a copy sealed by the vault where it must be read back.

-- biometric_session is one identification the MFO asked the provider for: the nonce and the
-- movement sequence the provider issued, and how the session ended.
CREATE TABLE biometric_session (
    id                   TEXT     PRIMARY KEY,
    provider_session_id  TEXT     NOT NULL UNIQUE,
    -- R37: the IIN's blind index serves the lookup and the R35 constraint below; the sealed
    -- copy (bound to this row) is what the service reads the IIN back from.
    iin_index            BYTEA    NOT NULL CHECK (length(iin_index) = 32),
    iin_sealed           BYTEA    NOT NULL,
    -- A nonce is bound to one session: a result carrying it belongs to this session only
    -- (R11). The provider issuing a nonce twice would let results cross sessions.
    nonce                TEXT     NOT NULL UNIQUE CHECK (nonce <> ''),
    -- The movements issued, comma-joined in order.
    movements            TEXT     NOT NULL CHECK (movements <> ''),
    status               TEXT     NOT NULL CHECK (status IN ('open', 'passed', 'failed', 'expired')),
    attempts             SMALLINT NOT NULL DEFAULT 0 CHECK (attempts >= 0 AND attempts <= max_attempts),
    max_attempts         SMALLINT NOT NULL CHECK (max_attempts > 0),
    created_at           BIGINT   NOT NULL,
    expires_at           BIGINT   NOT NULL CHECK (expires_at > created_at),
    ended_at             BIGINT,
    -- An open session has not ended; every other status has.
    CHECK ((status = 'open') = (ended_at IS NULL)),
    -- R35: a sequence is never issued twice to one client. The unique constraint IS the
    -- guarantee; the service checks first only to explain the refusal. Equal IINs have equal
    -- blind indexes, so the constraint holds over the index as it would over the clear IIN.
    UNIQUE (iin_index, movements)
);

-- biometric_check is the electronic biometric identification document (R34): each result
-- the provider returned for a session, as received (raw bytes and signature), with what Nesie
-- concluded from it. Rows are never changed or deleted (triggers below).
CREATE TABLE biometric_check (
    id                   TEXT     PRIMARY KEY,
    session_id           TEXT     NOT NULL REFERENCES biometric_session (id),
    attempt              SMALLINT NOT NULL CHECK (attempt > 0),
    outcome              TEXT     NOT NULL CHECK (outcome IN ('passed', 'refused')),
    -- The refusal's code; empty exactly when the check passed.
    reason               TEXT     NOT NULL,
    similarity_permille  SMALLINT NOT NULL CHECK (similarity_permille BETWEEN 0 AND 1000),
    provider_checked_at  BIGINT   NOT NULL,
    received_at          BIGINT   NOT NULL,
    -- The provider's result bytes as received, sealed by the vault (bound to this check's id):
    -- they carry the IIN as the provider sent it (R37), and opened they are the document
    -- byte for byte (R34). raw_digest is the SHA-256 of the bytes as received, not of the seal.
    raw_result           BYTEA    NOT NULL,
    raw_digest           BYTEA    NOT NULL CHECK (length(raw_digest) = 32),
    signature            BYTEA    NOT NULL,
    CHECK ((outcome = 'passed') = (reason = '')),
    UNIQUE (session_id, attempt)
);

-- A session passes at most once.
CREATE UNIQUE INDEX biometric_check_one_pass ON biometric_check (session_id) WHERE outcome = 'passed';

CREATE FUNCTION biometric_check_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'biometric checks are kept as received: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER biometric_check_append_only BEFORE UPDATE OR DELETE ON biometric_check
    FOR EACH ROW EXECUTE FUNCTION biometric_check_refuse_change();
CREATE TRIGGER biometric_check_no_truncate BEFORE TRUNCATE ON biometric_check
    FOR EACH STATEMENT EXECUTE FUNCTION biometric_check_refuse_change();

-- antifraud_signal is the inbox of the anti-fraud analysis: a domain that notices something
-- suspicious (three failed biometric attempts, for one) raises a signal in the same
-- transaction; the anti-fraud worker consumes it and stamps consumed_at.
CREATE TABLE antifraud_signal (
    id           TEXT   PRIMARY KEY,
    kind         TEXT   NOT NULL CHECK (kind <> ''),
    -- R37: the IIN as a blind index (to find a person's signals) and sealed (to read it back).
    iin_index    BYTEA  NOT NULL CHECK (length(iin_index) = 32),
    iin_sealed   BYTEA  NOT NULL,
    object_type  TEXT   NOT NULL,
    object_id    TEXT   NOT NULL,
    details      TEXT   NOT NULL,
    raised_at    BIGINT NOT NULL,
    consumed_at  BIGINT
);

-- The worker takes the unconsumed signals, oldest first.
CREATE INDEX antifraud_signal_unconsumed ON antifraud_signal (raised_at) WHERE consumed_at IS NULL;
