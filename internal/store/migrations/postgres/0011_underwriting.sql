-- Underwriting (R8.1, R10, R7.4): the checks made before a microcredit is granted or refused,
-- each with the evidence it rests on, the decision, and the staff votes on the applications
-- the checks sent to review. Applications belong to the loan core (migration 0010, written at
-- the same time): they are referenced by id as TEXT, without a foreign key.
--
-- Evidence is kept as the outside party sent it (the bureau's report exactly as received, with
-- its signature), so that the MFO can prove later what it was told. It holds personal data
-- (the IIN, the client's credits), so it is sealed by the vault (R37); its SHA-256 stays in
-- clear, so that an auditor can match a copy the MFO hands over against what was recorded at
-- decision time without the keys, and the application checks every opened value against it.
-- The outside party's signature stays in clear: it is over the evidence exactly as received,
-- which is what opening gives back.

-- One decision per application, enforced here and not only in code: two racing assessments of
-- the same application cannot both record one. system_outcome is what the checks said; outcome
-- is the decision in force. Only a 'review' may later turn into 'approved' or 'refused' by the
-- staff votes (guarded UPDATE … WHERE outcome = 'review'), once.
CREATE TABLE underwriting_decision (
    application_id  TEXT     PRIMARY KEY,
    client_id       TEXT     NOT NULL,
    product_code    TEXT     NOT NULL,
    -- The amount asked, in tiyn: the four-eyes threshold of a review is compared with it.
    amount          BIGINT   NOT NULL CHECK (amount > 0),
    system_outcome  TEXT     NOT NULL CHECK (system_outcome IN ('approved', 'refused', 'review')),
    outcome         TEXT     NOT NULL CHECK (outcome IN ('approved', 'refused', 'review')),
    score           INTEGER  NOT NULL,
    -- The reasons, a JSON array of {code, law, text}: what the refusal letter and R10 cite.
    reasons         TEXT     NOT NULL,
    -- "system", or the ids of the staff who decided a review, comma-separated.
    decided_by      TEXT     NOT NULL,
    assessed_at     BIGINT   NOT NULL,
    decided_at      BIGINT,
    CHECK (system_outcome = 'review' OR outcome = system_outcome),
    CHECK ((outcome = 'review') = (decided_at IS NULL))
);

-- The review queue reads the waiting items oldest first.
CREATE INDEX underwriting_decision_review ON underwriting_decision (assessed_at) WHERE outcome = 'review';

-- Every check made, in the order made (seq from 1), with its evidence (R7.4: the client and the
-- auditor see which checks an application went through). signature is the outside party's
-- signature over evidence, when it signed it (the bureau does).
CREATE TABLE underwriting_step (
    application_id  TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    seq             INTEGER  NOT NULL CHECK (seq >= 1),
    name            TEXT     NOT NULL CHECK (name IN
                        ('aml', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard')),
    passed          SMALLINT NOT NULL CHECK (passed IN (0, 1)),
    detail          TEXT     NOT NULL,
    evidence_sealed BYTEA    CHECK (length(evidence_sealed) > 0),
    evidence_sha256 BYTEA    CHECK (length(evidence_sha256) = 32),
    signature       BYTEA,
    at              BIGINT   NOT NULL,
    PRIMARY KEY (application_id, seq),
    -- A check is made once per assessment.
    UNIQUE (application_id, name)
);

-- The staff votes on a review. UNIQUE (application, staff): one person votes once, so the
-- four-eyes rule (two different approvals above the threshold) holds in the database too.
CREATE TABLE underwriting_vote (
    application_id  TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    staff_id        TEXT     NOT NULL CHECK (staff_id <> ''),
    approve         SMALLINT NOT NULL CHECK (approve IN (0, 1)),
    reason          TEXT     NOT NULL,
    at              BIGINT   NOT NULL,
    PRIMARY KEY (application_id, staff_id)
);
