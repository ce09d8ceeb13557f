-- The customer's AML/CFT risk level (R8.1), kept with the underwriting decision, and its
-- weighing recorded as the check 'risk_level': the same change as the PostgreSQL migration
-- 0015; see the comments there. The column is nullable for the decisions recorded before it
-- (no level was weighed for them); the application writes a level with every new one. A NULL
-- passes the CHECK (NULL IN (…) is not false), any other value must be a level.
ALTER TABLE underwriting_decision ADD COLUMN risk_level TEXT CHECK (risk_level IN ('low', 'medium', 'high'));

-- SQLite cannot change a CHECK in place: underwriting_step is rebuilt with 'risk_level' among
-- the allowed names (create, copy, drop, rename, as the SQLite manual describes; no table
-- refers to underwriting_step, so the rename rewrites no foreign key).
CREATE TABLE underwriting_step_next (
    application_id  TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    seq             INTEGER  NOT NULL CHECK (seq >= 1),
    name            TEXT     NOT NULL CHECK (name IN
                        ('aml', 'risk_level', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard')),
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

INSERT INTO underwriting_step_next (application_id, seq, name, passed, detail, evidence_sealed, evidence_sha256, signature, at)
    SELECT application_id, seq, name, passed, detail, evidence_sealed, evidence_sha256, signature, at FROM underwriting_step;

DROP TABLE underwriting_step;

ALTER TABLE underwriting_step_next RENAME TO underwriting_step;
