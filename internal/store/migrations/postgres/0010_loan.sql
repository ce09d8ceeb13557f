-- Loans from application to disbursement (R7.1, R8, R9, R9-1, R11, R12, R34), the electronic
-- documents exchanged with the client about each, and the one-time use of a biometric check.
--
-- One row of loan follows a credit from the client's first request to the money leaving: its
-- status moves along the transition table of internal/loan, each move guarded by
-- "UPDATE … WHERE status = …" so that two racing requests cannot both win. A credit-line draw
-- is a loan of its own (kind 'draw') under its parent credit line: it is signed, waits out the
-- cooling-off and is paid the same way (R9-1.3). An increase of a paid-out loan's amount is
-- one too (kind 'increase'): checked, signed, cooled off and paid like a loan (R9-1.1).
CREATE TABLE loan (
    id                  TEXT     PRIMARY KEY,
    number              TEXT     NOT NULL UNIQUE CHECK (number <> ''),
    client_id           TEXT     NOT NULL REFERENCES client (id),
    kind                TEXT     NOT NULL CHECK (kind IN ('loan', 'draw', 'increase')),
    parent_id           TEXT     REFERENCES loan (id),
    -- The product version the loan was made under; a later version never changes it.
    product_version_id  TEXT     NOT NULL CHECK (product_version_id <> ''),
    -- Copied from the product and the client so that the R9-1 aggregation reads one table.
    consumer            SMALLINT NOT NULL CHECK (consumer IN (0, 1)),
    secured             SMALLINT NOT NULL CHECK (secured IN (0, 1)),
    -- A credit line's loan is its limit: it is signed once and paid out by its draws.
    credit_line         SMALLINT NOT NULL CHECK (credit_line IN (0, 1)),
    client_kind         TEXT     NOT NULL CHECK (client_kind IN ('individual', 'entrepreneur', 'legal_entity')),
    amount              BIGINT   NOT NULL CHECK (amount > 0),
    term                INTEGER  NOT NULL CHECK (term > 0),
    unit                TEXT     NOT NULL CHECK (unit IN ('month', 'day')),
    method              TEXT     NOT NULL CHECK (method IN ('annuity', 'differentiated', 'bullet', 'single')),
    purpose             TEXT     NOT NULL,
    monthly_income      BIGINT   NOT NULL CHECK (monthly_income >= 0),
    -- R8.2, R8.5: the versions of the lending rules and of the statement of rights the client
    -- acknowledged, and when.
    rules_version       TEXT     NOT NULL CHECK (rules_version <> ''),
    rights_version      TEXT     NOT NULL CHECK (rights_version <> ''),
    acknowledged_at     BIGINT   NOT NULL,
    -- R8.6, R8.7: how the money is provided. The IBAN is sealed by the vault (R37); a card is
    -- kept only as the gateway's token and the masked number, never the full number.
    payout_kind         TEXT     NOT NULL DEFAULT '' CHECK (payout_kind IN ('', 'account', 'card', 'terminal', 'cash_desk', 'merchant', 'refinance')),
    payout_iban_sealed  BYTEA,
    card_token          TEXT     NOT NULL DEFAULT '',
    card_masked         TEXT     NOT NULL DEFAULT '',
    merchant_id         TEXT     NOT NULL DEFAULT '',
    refinanced_loan_id  TEXT     REFERENCES loan (id),
    status              TEXT     NOT NULL CHECK (status IN ('draft', 'assessing', 'review', 'refused', 'offered', 'cooling',
                                     'awaiting_goods', 'disbursing', 'disbursed', 'line_open', 'cancelled', 'annulled', 'payout_failed')),
    status_reason       TEXT     NOT NULL DEFAULT '',
    -- The contract as issued: its template, its language copies as sent (documents below) and
    -- the SHA-256 of the copy the client signs; every view and the payout re-check it (R11).
    template            TEXT     NOT NULL DEFAULT '',
    -- What the contract states that is not in this row or the product version (its date, the
    -- parties as they were, whether the cooling-off paragraph applies), as JSON: each language
    -- copy is rendered from it, identically, when the client first opens it.
    contract_terms      TEXT     NOT NULL DEFAULT '',
    contract_doc_ru     TEXT     NOT NULL DEFAULT '',
    contract_doc_kk     TEXT     NOT NULL DEFAULT '',
    signed_lang         TEXT     NOT NULL DEFAULT '' CHECK (signed_lang IN ('', 'ru', 'kk')),
    signed_sha256       BYTEA,
    signed_at           BIGINT,
    -- The Almaty calendar day of signing, for the same-day total of R9-1.2.
    signing_day         TEXT     NOT NULL DEFAULT '',
    -- R9-1: whether the cooling-off applies, why, when money may go at the earliest and until
    -- when the client's consent is awaited.
    cooling             SMALLINT NOT NULL DEFAULT 0 CHECK (cooling IN (0, 1)),
    cooling_reason      TEXT     NOT NULL DEFAULT '',
    money_not_before    BIGINT,
    consent_deadline    BIGINT,
    consented_at        BIGINT,
    goods_received_at   BIGINT,
    payout_order_id     TEXT     NOT NULL DEFAULT '',
    disbursed_at        BIGINT,
    created_at          BIGINT   NOT NULL,
    updated_at          BIGINT   NOT NULL,
    CHECK ((kind = 'loan') = (parent_id IS NULL)),
    CHECK ((cooling = 1) = (money_not_before IS NOT NULL)),
    CHECK (status NOT IN ('cooling', 'awaiting_goods', 'disbursing', 'disbursed', 'line_open') OR signed_at IS NOT NULL),
    -- Money never goes out before the end of the cooling-off and the consent given after it.
    CHECK (cooling = 0 OR status NOT IN ('disbursing', 'disbursed') OR consented_at >= money_not_before)
);
-- A loan row is updated some eight times on its way; room left in each page lets PostgreSQL
-- keep the new versions on the same page without touching the indexes (HOT updates).
ALTER TABLE loan SET (fillfactor = 70);

CREATE INDEX loan_client ON loan (client_id, created_at);
-- The R9-1.2 same-day total reads the client's loans signed on one day.
CREATE INDEX loan_client_day ON loan (client_id, signing_day);
-- The annulment sweep finds the cooling loans whose consent window has passed. Not a partial
-- index on status: an index over status would make every status change a non-HOT update that
-- writes into every index of the table, and under SERIALIZABLE those index writes collide
-- with the predicate locks of concurrent transactions on other loans.
CREATE INDEX loan_consent_due ON loan (consent_deadline);

-- loan_document is every electronic document of a credit sent to or received from the client
-- (R34, R12): the contract copies, the signature and its revocation evidence, the consent, the
-- receipts. Content is sealed by the vault (it carries personal data, R37); sha256 is of the
-- document as sent or received. Rows are never changed or deleted (triggers below, and the
-- application role has no UPDATE or DELETE on it).
CREATE TABLE loan_document (
    id            TEXT    PRIMARY KEY,
    loan_id       TEXT    NOT NULL REFERENCES loan (id),
    kind          TEXT    NOT NULL CHECK (kind <> ''),
    direction     TEXT    NOT NULL CHECK (direction IN ('sent', 'received')),
    content_type  TEXT    NOT NULL CHECK (content_type <> ''),
    content       BYTEA   NOT NULL,
    sha256        BYTEA   NOT NULL CHECK (length(sha256) = 32),
    size          BIGINT  NOT NULL CHECK (size >= 0),
    at            BIGINT  NOT NULL
);
CREATE INDEX loan_document_loan ON loan_document (loan_id, at);
-- The content is sealed (random to a compressor): stored out of line without PostgreSQL
-- trying to compress it first.
ALTER TABLE loan_document ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE FUNCTION loan_document_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'loan documents are kept as sent and received: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER loan_document_append_only BEFORE UPDATE OR DELETE ON loan_document
    FOR EACH ROW EXECUTE FUNCTION loan_document_refuse_change();

-- loan_consent_code is a one-time password sent for the consent of R9-1.1: its hash only,
-- bound to its id, with a tries limit.
CREATE TABLE loan_consent_code (
    id          TEXT     PRIMARY KEY,
    loan_id     TEXT     NOT NULL REFERENCES loan (id),
    code_hash   BYTEA    NOT NULL CHECK (length(code_hash) = 32),
    created_at  BIGINT   NOT NULL,
    expires_at  BIGINT   NOT NULL CHECK (expires_at > created_at),
    tries_left  SMALLINT NOT NULL CHECK (tries_left >= 0),
    used_at     BIGINT
);
CREATE INDEX loan_consent_code_loan ON loan_consent_code (loan_id, created_at);

-- biometric_use spends a passed biometric check on one act (signing a contract, a consent, a
-- merchant payment): the primary key makes a second use of the same check fail, so a captured
-- check id cannot be replayed for another act (R11).
CREATE TABLE biometric_use (
    check_id   TEXT   PRIMARY KEY REFERENCES biometric_check (id),
    purpose    TEXT   NOT NULL CHECK (purpose <> ''),
    object_id  TEXT   NOT NULL CHECK (object_id <> ''),
    used_at    BIGINT NOT NULL
);
