-- R37 / DESIGN invariant 8: the same change as the PostgreSQL migration 0012; see the comments
-- there. The payout's beneficiary, IBAN and card token, the cash desk's document number and
-- each underwriting check's evidence are replaced by sealed columns.
--
-- REQUIRES THE TABLES TO BE EMPTY (they ship in this release; SQL cannot seal rows written in
-- clear). A database holding rows is refused by the guard below, whose failure names the
-- constraint "tables_0009_0011_must_be_empty_to_seal"; drop and recreate such a development
-- database.
--
-- SQLite cannot drop the CHECK constraints that tie the clear columns to the others, nor add a
-- table CHECK to an existing table, so the tables are rebuilt. Being empty, the usual
-- create-copy-drop-rename reduces to drop and create: the dependent table first, as the
-- foreign keys are enforced.

CREATE TEMP TABLE seal_0012_guard (
    rows_in_clear INTEGER NOT NULL,
    CONSTRAINT tables_0009_0011_must_be_empty_to_seal CHECK (rows_in_clear = 0)
);
INSERT INTO seal_0012_guard (rows_in_clear)
    SELECT (SELECT count(*) FROM payout_order) + (SELECT count(*) FROM payout_cash_identification)
         + (SELECT count(*) FROM underwriting_step);
DROP TABLE seal_0012_guard;

DROP TABLE payout_cash_identification;
DROP TABLE payout_order;
DROP TABLE underwriting_step;

-- payout_order as in 0009, with the beneficiary (IIN or BIN), the IBAN (exactly for an
-- account) and the card token (exactly for a card) sealed.
CREATE TABLE payout_order (
    id                      TEXT     PRIMARY KEY,
    reference               TEXT     NOT NULL UNIQUE CHECK (reference <> ''),
    client_id               TEXT     NOT NULL CHECK (client_id <> ''),
    amount                  INTEGER  NOT NULL CHECK (amount > 0),
    kind                    TEXT     NOT NULL CHECK (kind IN ('bank', 'merchant', 'cash_desk')),
    dest_kind               TEXT     NOT NULL CHECK (dest_kind IN ('account', 'card', 'cash_voucher', '')),
    -- R9.4: a transfer to a merchant's account only after biometric identification.
    biometric_check_id      TEXT     NOT NULL,
    status                  TEXT     NOT NULL CHECK (status IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk')),
    reason                  TEXT     NOT NULL DEFAULT '',
    bank_id                 TEXT     NOT NULL DEFAULT '',
    voucher_code            TEXT     NOT NULL DEFAULT '',
    attempts                INTEGER  NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at                  INTEGER  NOT NULL,
    lease_until             INTEGER,
    created_at              INTEGER  NOT NULL,
    settled_at              INTEGER,
    beneficiary_sealed      BLOB     NOT NULL CHECK (length(beneficiary_sealed) > 0),
    dest_iban_sealed        BLOB     CHECK (length(dest_iban_sealed) > 0),
    dest_card_token_sealed  BLOB     CHECK (length(dest_card_token_sealed) > 0),
    CHECK ((kind = 'merchant') <= (biometric_check_id <> '')),
    CHECK ((kind = 'cash_desk') = (dest_kind = '')),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status IN ('paid', 'failed')) = (settled_at IS NOT NULL)),
    CONSTRAINT payout_order_iban_iff_account CHECK ((dest_kind = 'account') = (dest_iban_sealed IS NOT NULL)),
    CONSTRAINT payout_order_token_iff_card CHECK ((dest_kind = 'card') = (dest_card_token_sealed IS NOT NULL))
) STRICT;

CREATE INDEX payout_order_due ON payout_order (status, due_at);
CREATE INDEX payout_order_lease ON payout_order (status, lease_until);

-- payout_cash_identification as in 0009, the document's number sealed.
CREATE TABLE payout_cash_identification (
    order_id                 TEXT     PRIMARY KEY REFERENCES payout_order (id),
    staff_id                 TEXT     NOT NULL CHECK (staff_id <> ''),
    document_kind            TEXT     NOT NULL CHECK (document_kind <> ''),
    document_valid_until     INTEGER  NOT NULL,
    digital_document         INTEGER  NOT NULL CHECK (digital_document IN (0, 1)),
    represents_legal_entity  INTEGER  NOT NULL CHECK (represents_legal_entity IN (0, 1)),
    power_of_attorney_ref    TEXT     NOT NULL,
    identified_at            INTEGER  NOT NULL,
    document_number_sealed   BLOB     NOT NULL CHECK (length(document_number_sealed) > 0),
    CHECK (represents_legal_entity = 0 OR power_of_attorney_ref <> '')
) STRICT;

-- underwriting_step as in 0011, the evidence sealed and its SHA-256 in clear; the signature
-- (over the evidence as received, which opening gives back) stays in clear.
CREATE TABLE underwriting_step (
    application_id   TEXT     NOT NULL REFERENCES underwriting_decision (application_id),
    seq              INTEGER  NOT NULL CHECK (seq >= 1),
    name             TEXT     NOT NULL CHECK (name IN
                         ('aml', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard')),
    passed           INTEGER  NOT NULL CHECK (passed IN (0, 1)),
    detail           TEXT     NOT NULL,
    signature        BLOB,
    at               INTEGER  NOT NULL,
    evidence_sealed  BLOB     CHECK (length(evidence_sealed) > 0),
    evidence_sha256  BLOB     CHECK (length(evidence_sha256) = 32),
    PRIMARY KEY (application_id, seq),
    UNIQUE (application_id, name),
    CONSTRAINT underwriting_step_evidence_digest CHECK ((evidence_sealed IS NULL) = (evidence_sha256 IS NULL)),
    CONSTRAINT underwriting_step_signature_needs_evidence CHECK (signature IS NULL OR evidence_sealed IS NOT NULL)
) STRICT;
