-- R37 / DESIGN invariant 8: personal data at rest is sealed with the MFO's keys (internal/vault).
-- Migrations 0009 (payout) and 0011 (underwriting) kept some in clear: the payout's beneficiary
-- IIN (or BIN), destination IBAN and card token, the cash desk's ID document number, and the
-- evidence of each underwriting check (the credit bureau's report holds the IIN and the person's
-- credits; AML and anti-fraud findings can hold names). This migration replaces those columns
-- with sealed ones; the application seals and opens them, bound to their row by the vault's
-- associated data, so a sealed value copied into another row does not open.
--
-- REQUIRES THE TABLES TO BE EMPTY. SQL cannot encrypt, and the keys are not in the database,
-- so rows written in clear cannot be carried over here. These tables ship for the first time
-- in the same release as this migration, so no production database holds rows; a database
-- that does (a development copy) is refused by the guard below rather than silently losing
-- payout records, which are records of money. Drop and recreate such a development database.
--
-- On PostgreSQL the columns are dropped and added in place (ALTER TABLE), so the tables keep
-- their grants to the application role, their indexes and the foreign key from
-- payout_cash_identification. The clear columns are dropped, not left empty: a column that
-- must stay '' forever only invites a later write in clear.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM payout_order) OR EXISTS (SELECT 1 FROM underwriting_step) THEN
        RAISE EXCEPTION 'migration 0012 seals payout_order, payout_cash_identification and underwriting_step and requires them to be empty; they hold rows written in clear';
    END IF;
END
$$;

-- The beneficiary (the IIN or BIN the destination must belong to) is sealed whether it is a
-- person's IIN or a company's BIN: the two cannot be told apart without reading the value, and
-- one path is simpler to keep right. Its 12-digit form is checked by the code before sealing.
-- The IBAN is set exactly for an account, the card token exactly for a card.
ALTER TABLE payout_order
    DROP COLUMN beneficiary_id,
    DROP COLUMN dest_iban,
    DROP COLUMN dest_card_token,
    ADD COLUMN beneficiary_sealed     BYTEA NOT NULL CHECK (length(beneficiary_sealed) > 0),
    ADD COLUMN dest_iban_sealed       BYTEA CHECK (length(dest_iban_sealed) > 0),
    ADD COLUMN dest_card_token_sealed BYTEA CHECK (length(dest_card_token_sealed) > 0),
    ADD CONSTRAINT payout_order_iban_iff_account CHECK ((dest_kind = 'account') = (dest_iban_sealed IS NOT NULL)),
    ADD CONSTRAINT payout_order_token_iff_card CHECK ((dest_kind = 'card') = (dest_card_token_sealed IS NOT NULL));

-- The cashier's record keeps the kind of document in clear (it says nothing about the person)
-- and seals its number.
ALTER TABLE payout_cash_identification
    DROP COLUMN document_number,
    ADD COLUMN document_number_sealed BYTEA NOT NULL CHECK (length(document_number_sealed) > 0);

-- A check's evidence is sealed; its SHA-256 stays in clear so that an auditor can match a copy
-- of the evidence the MFO hands over against what was recorded at decision time without the
-- keys, and the application checks every opened value against it. The outside party's
-- signature stays in clear too: it is over the evidence exactly as received, which is what
-- opening gives back, so it still verifies. A signature needs evidence to be over.
ALTER TABLE underwriting_step
    DROP COLUMN evidence,
    ADD COLUMN evidence_sealed BYTEA CHECK (length(evidence_sealed) > 0),
    ADD COLUMN evidence_sha256 BYTEA CHECK (length(evidence_sha256) = 32),
    ADD CONSTRAINT underwriting_step_evidence_digest CHECK ((evidence_sealed IS NULL) = (evidence_sha256 IS NULL)),
    ADD CONSTRAINT underwriting_step_signature_needs_evidence CHECK (signature IS NULL OR evidence_sealed IS NOT NULL);
