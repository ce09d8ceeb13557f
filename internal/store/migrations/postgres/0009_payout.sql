-- The payout outbox (R9.2–R9.5): every sum of loan money that leaves the MFO is one row here,
-- written by the loan core in its own transaction and sent by a worker afterwards, so that a
-- crash can neither lose a payout (the row is committed with the loan) nor pay it twice (the
-- row's id is the bank's idempotency key, and the reference is unique).
--
-- Ids of other domains (the loan, the client, the biometric check) are TEXT without foreign
-- keys: those tables belong to other packages and may not exist in the same migration order.

-- payout_order is one payout and where it stands. Status moves pending → sending → paid |
-- failed, or awaiting_cash_desk → paid for cash handed out by a cashier; every move is a guarded
-- UPDATE (… WHERE status = …) so two workers cannot both settle one order.
CREATE TABLE payout_order (
    id                  TEXT     PRIMARY KEY,
    -- The loan or contract the money is for: one payout per reference, whatever the clicks.
    reference           TEXT     NOT NULL UNIQUE CHECK (reference <> ''),
    client_id           TEXT     NOT NULL CHECK (client_id <> ''),
    -- The IIN (or BIN) the destination must belong to (R9.3), or the merchant's BIN (R9.4),
    -- sealed by the vault (R37) whether it is a person's or a company's: the two cannot be told
    -- apart without reading it. Its 12-digit form is checked by the code before sealing.
    beneficiary_sealed  BYTEA    NOT NULL CHECK (length(beneficiary_sealed) > 0),
    amount              BIGINT   NOT NULL CHECK (amount > 0),
    kind                TEXT     NOT NULL CHECK (kind IN ('bank', 'merchant', 'cash_desk')),
    -- Where the money goes: an account (IBAN), a card (the gateway's token, never the number)
    -- or a cash voucher for a terminal; empty for the cash desk. The IBAN and the token are
    -- sealed (R37), each set exactly for its kind.
    dest_kind           TEXT     NOT NULL CHECK (dest_kind IN ('account', 'card', 'cash_voucher', '')),
    dest_iban_sealed    BYTEA    CHECK (length(dest_iban_sealed) > 0),
    dest_card_token_sealed BYTEA CHECK (length(dest_card_token_sealed) > 0),
    -- R9.4: a transfer to a merchant's account only after biometric identification.
    biometric_check_id  TEXT     NOT NULL,
    status              TEXT     NOT NULL CHECK (status IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk')),
    reason              TEXT     NOT NULL DEFAULT '',
    bank_id             TEXT     NOT NULL DEFAULT '',
    voucher_code        TEXT     NOT NULL DEFAULT '',
    attempts            INTEGER  NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- When a pending order is next due, and until when a sending order is leased to the worker
    -- that claimed it; after the lease the outcome is uncertain and another run reconciles it.
    due_at              BIGINT   NOT NULL,
    lease_until         BIGINT,
    created_at          BIGINT   NOT NULL,
    settled_at          BIGINT,
    CHECK ((kind = 'merchant') <= (biometric_check_id <> '')),
    CHECK ((kind = 'cash_desk') = (dest_kind = '')),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status IN ('paid', 'failed')) = (settled_at IS NOT NULL)),
    CONSTRAINT payout_order_iban_iff_account CHECK ((dest_kind = 'account') = (dest_iban_sealed IS NOT NULL)),
    CONSTRAINT payout_order_token_iff_card CHECK ((dest_kind = 'card') = (dest_card_token_sealed IS NOT NULL))
);
-- An order is updated a few times (claimed, settled); room in each page keeps those updates
-- off the indexes (HOT).
ALTER TABLE payout_order SET (fillfactor = 70);

-- The worker's claim: due pending orders and sending orders whose lease ran out.
CREATE INDEX payout_order_due ON payout_order (status, due_at);
CREATE INDEX payout_order_lease ON payout_order (status, lease_until);

-- payout_cash_identification is the cashier's record of handing out cash (R9.5): who
-- identified the recipient, with which document, and the power of attorney of a legal
-- entity's representative. One per order: cash is handed out once.
CREATE TABLE payout_cash_identification (
    order_id                 TEXT     PRIMARY KEY REFERENCES payout_order (id),
    staff_id                 TEXT     NOT NULL CHECK (staff_id <> ''),
    document_kind            TEXT     NOT NULL CHECK (document_kind <> ''),
    -- The kind of document says nothing about the person; its number is sealed (R37).
    document_number_sealed   BYTEA    NOT NULL CHECK (length(document_number_sealed) > 0),
    -- Days since 1970-01-01 (date.Date), the document's last valid day.
    document_valid_until     INTEGER  NOT NULL,
    digital_document         SMALLINT NOT NULL CHECK (digital_document IN (0, 1)),
    represents_legal_entity  SMALLINT NOT NULL CHECK (represents_legal_entity IN (0, 1)),
    power_of_attorney_ref    TEXT     NOT NULL,
    identified_at            BIGINT   NOT NULL,
    -- R9.5: a legal entity's representative receives cash only on a power of attorney.
    CHECK (represents_legal_entity = 0 OR power_of_attorney_ref <> '')
);
