-- Loans from application to disbursement, their electronic documents and the one-time use of a
-- biometric check. The PostgreSQL migration of the same number explains each table; this one
-- keeps the same columns and meanings in SQLite's types.

CREATE TABLE loan (
    id                  TEXT     PRIMARY KEY,
    number              TEXT     NOT NULL UNIQUE CHECK (number <> ''),
    client_id           TEXT     NOT NULL REFERENCES client (id),
    kind                TEXT     NOT NULL CHECK (kind IN ('loan', 'draw', 'increase')),
    parent_id           TEXT     REFERENCES loan (id),
    product_version_id  TEXT     NOT NULL CHECK (product_version_id <> ''),
    consumer            INTEGER  NOT NULL CHECK (consumer IN (0, 1)),
    secured             INTEGER  NOT NULL CHECK (secured IN (0, 1)),
    credit_line         INTEGER  NOT NULL CHECK (credit_line IN (0, 1)),
    client_kind         TEXT     NOT NULL CHECK (client_kind IN ('individual', 'entrepreneur', 'legal_entity')),
    amount              INTEGER  NOT NULL CHECK (amount > 0),
    term                INTEGER  NOT NULL CHECK (term > 0),
    unit                TEXT     NOT NULL CHECK (unit IN ('month', 'day')),
    method              TEXT     NOT NULL CHECK (method IN ('annuity', 'differentiated', 'bullet', 'single')),
    purpose             TEXT     NOT NULL,
    monthly_income      INTEGER  NOT NULL CHECK (monthly_income >= 0),
    rules_version       TEXT     NOT NULL CHECK (rules_version <> ''),
    rights_version      TEXT     NOT NULL CHECK (rights_version <> ''),
    acknowledged_at     INTEGER  NOT NULL,
    payout_kind         TEXT     NOT NULL DEFAULT '' CHECK (payout_kind IN ('', 'account', 'card', 'terminal', 'cash_desk', 'merchant', 'refinance')),
    payout_iban_sealed  BLOB,
    card_token          TEXT     NOT NULL DEFAULT '',
    card_masked         TEXT     NOT NULL DEFAULT '',
    merchant_id         TEXT     NOT NULL DEFAULT '',
    refinanced_loan_id  TEXT     REFERENCES loan (id),
    status              TEXT     NOT NULL CHECK (status IN ('draft', 'assessing', 'review', 'refused', 'offered', 'cooling',
                                     'awaiting_goods', 'disbursing', 'disbursed', 'line_open', 'cancelled', 'annulled', 'payout_failed')),
    status_reason       TEXT     NOT NULL DEFAULT '',
    template            TEXT     NOT NULL DEFAULT '',
    contract_terms      TEXT     NOT NULL DEFAULT '',
    contract_doc_ru     TEXT     NOT NULL DEFAULT '',
    contract_doc_kk     TEXT     NOT NULL DEFAULT '',
    signed_lang         TEXT     NOT NULL DEFAULT '' CHECK (signed_lang IN ('', 'ru', 'kk')),
    signed_sha256       BLOB,
    signed_at           INTEGER,
    signing_day         TEXT     NOT NULL DEFAULT '',
    cooling             INTEGER  NOT NULL DEFAULT 0 CHECK (cooling IN (0, 1)),
    cooling_reason      TEXT     NOT NULL DEFAULT '',
    money_not_before    INTEGER,
    consent_deadline    INTEGER,
    consented_at        INTEGER,
    goods_received_at   INTEGER,
    payout_order_id     TEXT     NOT NULL DEFAULT '',
    disbursed_at        INTEGER,
    created_at          INTEGER  NOT NULL,
    updated_at          INTEGER  NOT NULL,
    CHECK ((kind = 'loan') = (parent_id IS NULL)),
    CHECK ((cooling = 1) = (money_not_before IS NOT NULL)),
    CHECK (status NOT IN ('cooling', 'awaiting_goods', 'disbursing', 'disbursed', 'line_open') OR signed_at IS NOT NULL),
    CHECK (cooling = 0 OR status NOT IN ('disbursing', 'disbursed') OR consented_at >= money_not_before)
) STRICT;

CREATE INDEX loan_client ON loan (client_id, created_at);
CREATE INDEX loan_client_day ON loan (client_id, signing_day);
CREATE INDEX loan_consent_due ON loan (consent_deadline);

CREATE TABLE loan_document (
    id            TEXT    PRIMARY KEY,
    loan_id       TEXT    NOT NULL REFERENCES loan (id),
    kind          TEXT    NOT NULL CHECK (kind <> ''),
    direction     TEXT    NOT NULL CHECK (direction IN ('sent', 'received')),
    content_type  TEXT    NOT NULL CHECK (content_type <> ''),
    content       BLOB    NOT NULL,
    sha256        BLOB    NOT NULL CHECK (length(sha256) = 32),
    size          INTEGER NOT NULL CHECK (size >= 0),
    at            INTEGER NOT NULL
) STRICT;
CREATE INDEX loan_document_loan ON loan_document (loan_id, at);

CREATE TRIGGER loan_document_no_update BEFORE UPDATE ON loan_document
BEGIN
    SELECT RAISE(ABORT, 'loan documents are kept as sent and received: UPDATE on loan_document refused');
END;
CREATE TRIGGER loan_document_no_delete BEFORE DELETE ON loan_document
BEGIN
    SELECT RAISE(ABORT, 'loan documents are kept as sent and received: DELETE on loan_document refused');
END;

CREATE TABLE loan_consent_code (
    id          TEXT     PRIMARY KEY,
    loan_id     TEXT     NOT NULL REFERENCES loan (id),
    code_hash   BLOB     NOT NULL CHECK (length(code_hash) = 32),
    created_at  INTEGER  NOT NULL,
    expires_at  INTEGER  NOT NULL CHECK (expires_at > created_at),
    tries_left  INTEGER  NOT NULL CHECK (tries_left >= 0),
    used_at     INTEGER
) STRICT;
CREATE INDEX loan_consent_code_loan ON loan_consent_code (loan_id, created_at);

CREATE TABLE biometric_use (
    check_id   TEXT   PRIMARY KEY REFERENCES biometric_check (id),
    purpose    TEXT   NOT NULL CHECK (purpose <> ''),
    object_id  TEXT   NOT NULL CHECK (object_id <> ''),
    used_at    INTEGER NOT NULL
) STRICT;
