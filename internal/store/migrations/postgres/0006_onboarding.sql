-- Onboarding flows (R6.4, R6.6, R36): what binds the two calls of a flow that runs across the
-- client's biometric session and EDS signature. Between "begin" and "complete" nothing else
-- exists yet (a registering client has no row until everything passed), and the biometric
-- session names only an IIN; this row remembers which session was issued for which flow and
-- the SHA-256 of the statement the client was asked to sign. The statement names the data and
-- the digests of the attached files, so the digest binds the whole application: an
-- application swapped between the two calls renders another statement and is refused. Only
-- the digest is kept: the data itself is re-sent by the client and stored, encrypted, by the
-- client package once the flow completes (R37).
CREATE TABLE onboarding_flow (
    id                    TEXT    PRIMARY KEY,
    purpose               TEXT    NOT NULL CHECK (purpose IN
                              ('registration', 'phone_change', 'bank_account_change', 'compromise_clearance')),
    -- The client the flow changes; NULL for a registration until it completes.
    client_id             TEXT    REFERENCES client (id),
    -- One biometric session serves one flow: a session passed for one purpose proves nothing
    -- for another.
    biometric_session_id  TEXT    NOT NULL UNIQUE REFERENCES biometric_session (id),
    -- NULL only for a compromise clearance, which signs nothing.
    statement_sha256      BYTEA   CHECK (length(statement_sha256) = 32),
    status                TEXT    NOT NULL CHECK (status IN ('open', 'completed')),
    created_at            BIGINT  NOT NULL,
    expires_at            BIGINT  NOT NULL CHECK (expires_at > created_at),
    completed_at          BIGINT,
    -- A flow completes once (the service guards with UPDATE … WHERE status = 'open').
    CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CHECK ((purpose = 'compromise_clearance') = (statement_sha256 IS NULL)),
    CHECK (purpose = 'registration' OR client_id IS NOT NULL),
    CHECK (status = 'open' OR client_id IS NOT NULL)
);
