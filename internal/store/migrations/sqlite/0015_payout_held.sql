-- R8-2.6: an order the anti-fraud screen asks to review waits as 'held', and staff release or
-- reject it: the same change as the PostgreSQL migration 0018; see the comments there.
--
-- SQLite cannot change a CHECK in place: payout_order is rebuilt with 'held' among the
-- statuses and the new columns (create, copy, drop, rename, as the SQLite manual describes).
-- payout_cash_identification refers to payout_order, and foreign keys are enforced (they
-- cannot be switched off inside the migration's transaction): its rows are set aside while
-- the table is rebuilt, and put back after, so that no row is ever without its order.
CREATE TABLE payout_cash_identification_kept AS SELECT * FROM payout_cash_identification;
DELETE FROM payout_cash_identification;

CREATE TABLE payout_order_next (
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
    status              TEXT     NOT NULL CHECK (status IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk', 'held')),
    reason              TEXT     NOT NULL DEFAULT '',
    bank_id             TEXT     NOT NULL DEFAULT '',
    voucher_code        TEXT     NOT NULL DEFAULT '',
    attempts            INTEGER  NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    due_at              INTEGER  NOT NULL,
    lease_until         INTEGER,
    created_at          INTEGER  NOT NULL,
    settled_at          INTEGER,
    voucher_code_sealed BLOB     CHECK (voucher_code_sealed IS NULL OR length(voucher_code_sealed) > 0),
    held_at             INTEGER,
    held_reasons        TEXT     NOT NULL DEFAULT '',
    released_by         TEXT     CHECK (released_by <> ''),
    released_at         INTEGER,
    CHECK ((kind = 'merchant') <= (biometric_check_id <> '')),
    CHECK ((kind = 'cash_desk') = (dest_kind = '')),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status IN ('paid', 'failed')) = (settled_at IS NOT NULL)),
    CONSTRAINT payout_order_iban_iff_account CHECK ((dest_kind = 'account') = (dest_iban_sealed IS NOT NULL)),
    CONSTRAINT payout_order_token_iff_card CHECK ((dest_kind = 'card') = (dest_card_token_sealed IS NOT NULL)),
    CONSTRAINT payout_order_voucher_once CHECK (voucher_code = '' OR voucher_code_sealed IS NULL),
    CONSTRAINT payout_order_hold_release CHECK (
        (status = 'held') <= (held_at IS NOT NULL)
        AND (released_by IS NULL) = (released_at IS NULL)
        AND (released_at IS NULL OR held_at IS NOT NULL))
) STRICT;

INSERT INTO payout_order_next (id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind, dest_iban_sealed,
        dest_card_token_sealed, biometric_check_id, status, reason, bank_id, voucher_code, attempts, due_at, lease_until,
        created_at, settled_at, voucher_code_sealed)
    SELECT id, reference, client_id, beneficiary_sealed, amount, kind, dest_kind, dest_iban_sealed,
        dest_card_token_sealed, biometric_check_id, status, reason, bank_id, voucher_code, attempts, due_at, lease_until,
        created_at, settled_at, voucher_code_sealed
    FROM payout_order;

DROP TABLE payout_order;

ALTER TABLE payout_order_next RENAME TO payout_order;

CREATE INDEX payout_order_due ON payout_order (status, due_at);
CREATE INDEX payout_order_lease ON payout_order (status, lease_until);

INSERT INTO payout_cash_identification SELECT * FROM payout_cash_identification_kept;
DROP TABLE payout_cash_identification_kept;
