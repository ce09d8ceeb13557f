-- Underwriting (R8.1, R10, R7.4): the same tables as the PostgreSQL migration 0011; see the
-- comments there. One decision per application, every check with its evidence as received,
-- and the staff votes on reviews, one per person (four eyes).
CREATE TABLE underwriting_decision (
    application_id  TEXT     PRIMARY KEY,
    client_id       TEXT     NOT NULL,
    product_code    TEXT     NOT NULL,
    amount          INTEGER  NOT NULL CHECK (amount > 0),
    system_outcome  TEXT     NOT NULL CHECK (system_outcome IN ('approved', 'refused', 'review')),
    outcome         TEXT     NOT NULL CHECK (outcome IN ('approved', 'refused', 'review')),
    score           INTEGER  NOT NULL,
    reasons         TEXT     NOT NULL,
    decided_by      TEXT     NOT NULL,
    assessed_at     INTEGER  NOT NULL,
    decided_at      INTEGER,
    CHECK (system_outcome = 'review' OR outcome = system_outcome),
    CHECK ((outcome = 'review') = (decided_at IS NULL))
) STRICT;

CREATE INDEX underwriting_decision_review ON underwriting_decision (assessed_at) WHERE outcome = 'review';

CREATE TABLE underwriting_step (
    application_id  TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    seq             INTEGER  NOT NULL CHECK (seq >= 1),
    name            TEXT     NOT NULL CHECK (name IN
                        ('aml', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard')),
    passed          INTEGER  NOT NULL CHECK (passed IN (0, 1)),
    detail          TEXT     NOT NULL,
    evidence_sealed BLOB     CHECK (length(evidence_sealed) > 0),
    evidence_sha256 BLOB     CHECK (length(evidence_sha256) = 32),
    signature       BLOB,
    at              INTEGER  NOT NULL,
    CONSTRAINT underwriting_step_evidence_digest CHECK ((evidence_sealed IS NULL) = (evidence_sha256 IS NULL)),
    CONSTRAINT underwriting_step_signature_needs_evidence CHECK (signature IS NULL OR evidence_sealed IS NOT NULL),
    PRIMARY KEY (application_id, seq),
    UNIQUE (application_id, name)
) STRICT;

CREATE TABLE underwriting_vote (
    application_id  TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    staff_id        TEXT     NOT NULL CHECK (staff_id <> ''),
    approve         INTEGER  NOT NULL CHECK (approve IN (0, 1)),
    reason          TEXT     NOT NULL,
    at              INTEGER  NOT NULL,
    PRIMARY KEY (application_id, staff_id)
) STRICT;
