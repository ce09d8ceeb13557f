-- The payout outbox (R9.2–R9.5). The same tables as the PostgreSQL migration 0009; see the
-- comments there. One row per payout, its id the bank's idempotency key, its reference unique,
-- so a crash can neither lose a payout nor pay it twice.

-- payout_order is one payout and where it stands; every status move is a guarded UPDATE.
CREATE TABLE payout_order (
    id                  TEXT     PRIMARY KEY,
    reference           TEXT     NOT NULL UNIQUE CHECK (reference <> ''),
    client_id           TEXT     NOT NULL CHECK (client_id <> ''),
    beneficiary_sealed  BLOB     NOT NULL CHECK (length(beneficiary_sealed) > 0),
    amount              INTEGER  NOT NULL CHECK (amount > 0),
    kind                TEXT     NOT NULL CHECK (kind IN ('bank', 'merchant', 'cash_desk')),
    dest_kind           TEXT     NOT NULL CHECK (dest_kind IN ('account', 'card', 'cash_voucher', '')),
    dest_iban_sealed    BLOB     CHECK (length(dest_iban_sealed) > 0),
    dest_card_token_sealed BLOB  CHECK (length(dest_card_token_sealed) > 0),
    -- R9.4: a transfer to a merchant's account only after biometric identification.
    biometric_check_id  TEXT     NOT NULL,
    status              TEXT     NOT NULL CHECK (status IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk')),
    reason              TEXT     NOT NULL DEFAULT '',
    bank_id             TEXT     NOT NULL DEFAULT '',
    voucher_code        TEXT     NOT NULL DEFAULT '',
    attempts            INTEGER  NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at              INTEGER  NOT NULL,
    lease_until         INTEGER,
    created_at          INTEGER  NOT NULL,
    settled_at          INTEGER,
    CHECK ((kind = 'merchant') <= (biometric_check_id <> '')),
    CHECK ((kind = 'cash_desk') = (dest_kind = '')),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status IN ('paid', 'failed')) = (settled_at IS NOT NULL)),
    CONSTRAINT payout_order_iban_iff_account CHECK ((dest_kind = 'account') = (dest_iban_sealed IS NOT NULL)),
    CONSTRAINT payout_order_token_iff_card CHECK ((dest_kind = 'card') = (dest_card_token_sealed IS NOT NULL))
) STRICT;

CREATE INDEX payout_order_due ON payout_order (status, due_at);
CREATE INDEX payout_order_lease ON payout_order (status, lease_until);

-- payout_cash_identification is the cashier's record of handing out cash (R9.5).
CREATE TABLE payout_cash_identification (
    order_id                 TEXT     PRIMARY KEY REFERENCES payout_order (id),
    staff_id                 TEXT     NOT NULL CHECK (staff_id <> ''),
    document_kind            TEXT     NOT NULL CHECK (document_kind <> ''),
    document_number_sealed   BLOB     NOT NULL CHECK (length(document_number_sealed) > 0),
    document_valid_until     INTEGER  NOT NULL,
    digital_document         INTEGER  NOT NULL CHECK (digital_document IN (0, 1)),
    represents_legal_entity  INTEGER  NOT NULL CHECK (represents_legal_entity IN (0, 1)),
    power_of_attorney_ref    TEXT     NOT NULL,
    identified_at            INTEGER  NOT NULL,
    CHECK (represents_legal_entity = 0 OR power_of_attorney_ref <> '')
) STRICT;
