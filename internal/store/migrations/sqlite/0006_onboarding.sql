-- Onboarding flows (R6.4, R6.6, R36): the same table as the PostgreSQL migration 0006; see the
-- comments there. A flow row binds a biometric session and the SHA-256 of the statement the
-- client signs to the flow, between its "begin" and "complete" calls.
CREATE TABLE onboarding_flow (
    id                    TEXT    PRIMARY KEY,
    purpose               TEXT    NOT NULL CHECK (purpose IN
                              ('registration', 'phone_change', 'bank_account_change', 'compromise_clearance')),
    client_id             TEXT    REFERENCES client (id),
    biometric_session_id  TEXT    NOT NULL UNIQUE REFERENCES biometric_session (id),
    statement_sha256      BLOB    CHECK (length(statement_sha256) = 32),
    status                TEXT    NOT NULL CHECK (status IN ('open', 'completed')),
    created_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL CHECK (expires_at > created_at),
    completed_at          INTEGER,
    CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CHECK ((purpose = 'compromise_clearance') = (statement_sha256 IS NULL)),
    CHECK (purpose = 'registration' OR client_id IS NOT NULL),
    CHECK (status = 'open' OR client_id IS NOT NULL)
) STRICT;
