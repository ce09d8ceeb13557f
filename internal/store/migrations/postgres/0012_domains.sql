-- The single-column checks of the tables a loan writes on its way to the money, as domains.
--
-- PostgreSQL reads every CHECK constraint of a table back from its stored form and prepares
-- it for each INSERT or UPDATE statement, all of them whichever columns the statement sets.
-- loan and payout_order are updated several times a loan, and their checks were a sixth of
-- the database's CPU in the lifecycle benchmark. A domain's check is kept prepared by the
-- server and runs only when a value of it is assigned: the same guarantee, paid where a value
-- changes. The checks across columns stay on the tables. SQLite is untouched: its CHECKs cost
-- nothing of the kind.

CREATE DOMAIN flag AS SMALLINT CHECK (VALUE IN (0, 1));
CREATE DOMAIN nonempty_text AS TEXT CHECK (VALUE <> '');
CREATE DOMAIN positive_bigint AS BIGINT CHECK (VALUE > 0);
CREATE DOMAIN nonnegative_bigint AS BIGINT CHECK (VALUE >= 0);
CREATE DOMAIN positive_int AS INTEGER CHECK (VALUE > 0);
CREATE DOMAIN nonnegative_int AS INTEGER CHECK (VALUE >= 0);
CREATE DOMAIN sealed_bytes AS BYTEA CHECK (length(VALUE) > 0);
CREATE DOMAIN sha256_digest AS BYTEA CHECK (length(VALUE) = 32);

CREATE DOMAIN client_kind_name AS TEXT CHECK (VALUE IN ('individual', 'entrepreneur', 'legal_entity'));
CREATE DOMAIN loan_kind AS TEXT CHECK (VALUE IN ('loan', 'draw', 'increase'));
CREATE DOMAIN loan_unit AS TEXT CHECK (VALUE IN ('month', 'day'));
CREATE DOMAIN loan_method AS TEXT CHECK (VALUE IN ('annuity', 'differentiated', 'bullet', 'single'));
CREATE DOMAIN loan_payout_kind AS TEXT
    CHECK (VALUE IN ('', 'account', 'card', 'terminal', 'cash_desk', 'merchant', 'refinance'));
CREATE DOMAIN loan_status AS TEXT CHECK (VALUE IN ('draft', 'assessing', 'review', 'refused', 'offered', 'cooling',
    'awaiting_goods', 'disbursing', 'disbursed', 'line_open', 'cancelled', 'annulled', 'payout_failed'));
CREATE DOMAIN contract_lang AS TEXT CHECK (VALUE IN ('', 'ru', 'kk'));

ALTER TABLE loan
    DROP CONSTRAINT loan_number_check,
    DROP CONSTRAINT loan_kind_check,
    DROP CONSTRAINT loan_product_version_id_check,
    DROP CONSTRAINT loan_consumer_check,
    DROP CONSTRAINT loan_secured_check,
    DROP CONSTRAINT loan_credit_line_check,
    DROP CONSTRAINT loan_client_kind_check,
    DROP CONSTRAINT loan_amount_check,
    DROP CONSTRAINT loan_term_check,
    DROP CONSTRAINT loan_unit_check,
    DROP CONSTRAINT loan_method_check,
    DROP CONSTRAINT loan_monthly_income_check,
    DROP CONSTRAINT loan_rules_version_check,
    DROP CONSTRAINT loan_rights_version_check,
    DROP CONSTRAINT loan_payout_kind_check,
    DROP CONSTRAINT loan_status_check,
    DROP CONSTRAINT loan_signed_lang_check,
    DROP CONSTRAINT loan_cooling_check,
    ALTER COLUMN number TYPE nonempty_text,
    ALTER COLUMN kind TYPE loan_kind,
    ALTER COLUMN product_version_id TYPE nonempty_text,
    ALTER COLUMN consumer TYPE flag,
    ALTER COLUMN secured TYPE flag,
    ALTER COLUMN credit_line TYPE flag,
    ALTER COLUMN client_kind TYPE client_kind_name,
    ALTER COLUMN amount TYPE positive_bigint,
    ALTER COLUMN term TYPE positive_int,
    ALTER COLUMN unit TYPE loan_unit,
    ALTER COLUMN method TYPE loan_method,
    ALTER COLUMN monthly_income TYPE nonnegative_bigint,
    ALTER COLUMN rules_version TYPE nonempty_text,
    ALTER COLUMN rights_version TYPE nonempty_text,
    ALTER COLUMN payout_kind TYPE loan_payout_kind,
    ALTER COLUMN status TYPE loan_status,
    ALTER COLUMN signed_lang TYPE contract_lang,
    ALTER COLUMN cooling TYPE flag;

CREATE DOMAIN document_direction AS TEXT CHECK (VALUE IN ('sent', 'received'));

ALTER TABLE loan_document
    DROP CONSTRAINT loan_document_kind_check,
    DROP CONSTRAINT loan_document_direction_check,
    DROP CONSTRAINT loan_document_content_type_check,
    DROP CONSTRAINT loan_document_sha256_check,
    DROP CONSTRAINT loan_document_size_check,
    ALTER COLUMN kind TYPE nonempty_text,
    ALTER COLUMN direction TYPE document_direction,
    ALTER COLUMN content_type TYPE nonempty_text,
    ALTER COLUMN sha256 TYPE sha256_digest,
    ALTER COLUMN size TYPE nonnegative_bigint;

CREATE DOMAIN payout_kind AS TEXT CHECK (VALUE IN ('bank', 'merchant', 'cash_desk'));
CREATE DOMAIN payout_destination AS TEXT CHECK (VALUE IN ('account', 'card', 'cash_voucher', ''));
CREATE DOMAIN payout_status AS TEXT CHECK (VALUE IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk'));

ALTER TABLE payout_order
    DROP CONSTRAINT payout_order_reference_check,
    DROP CONSTRAINT payout_order_client_id_check,
    DROP CONSTRAINT payout_order_beneficiary_sealed_check,
    DROP CONSTRAINT payout_order_amount_check,
    DROP CONSTRAINT payout_order_kind_check,
    DROP CONSTRAINT payout_order_dest_kind_check,
    DROP CONSTRAINT payout_order_dest_iban_sealed_check,
    DROP CONSTRAINT payout_order_dest_card_token_sealed_check,
    DROP CONSTRAINT payout_order_status_check,
    DROP CONSTRAINT payout_order_attempts_check,
    ALTER COLUMN reference TYPE nonempty_text,
    ALTER COLUMN client_id TYPE nonempty_text,
    ALTER COLUMN beneficiary_sealed TYPE sealed_bytes,
    ALTER COLUMN amount TYPE positive_bigint,
    ALTER COLUMN kind TYPE payout_kind,
    ALTER COLUMN dest_kind TYPE payout_destination,
    ALTER COLUMN dest_iban_sealed TYPE sealed_bytes,
    ALTER COLUMN dest_card_token_sealed TYPE sealed_bytes,
    ALTER COLUMN status TYPE payout_status,
    ALTER COLUMN attempts TYPE nonnegative_int;

CREATE DOMAIN biometric_session_status AS TEXT CHECK (VALUE IN ('open', 'passed', 'failed', 'expired'));

ALTER TABLE biometric_session
    DROP CONSTRAINT biometric_session_nonce_check,
    DROP CONSTRAINT biometric_session_movements_check,
    DROP CONSTRAINT biometric_session_status_check,
    ALTER COLUMN nonce TYPE nonempty_text,
    ALTER COLUMN movements TYPE nonempty_text,
    ALTER COLUMN status TYPE biometric_session_status;

CREATE DOMAIN decision_outcome AS TEXT CHECK (VALUE IN ('approved', 'refused', 'review'));
CREATE DOMAIN underwriting_check AS TEXT
    CHECK (VALUE IN ('aml', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard'));

ALTER TABLE underwriting_decision
    DROP CONSTRAINT underwriting_decision_amount_check,
    DROP CONSTRAINT underwriting_decision_system_outcome_check,
    DROP CONSTRAINT underwriting_decision_outcome_check,
    ALTER COLUMN amount TYPE positive_bigint,
    ALTER COLUMN system_outcome TYPE decision_outcome,
    ALTER COLUMN outcome TYPE decision_outcome;

ALTER TABLE underwriting_step
    DROP CONSTRAINT underwriting_step_seq_check,
    DROP CONSTRAINT underwriting_step_name_check,
    DROP CONSTRAINT underwriting_step_passed_check,
    DROP CONSTRAINT underwriting_step_evidence_sealed_check,
    DROP CONSTRAINT underwriting_step_evidence_sha256_check,
    ALTER COLUMN seq TYPE positive_int,
    ALTER COLUMN name TYPE underwriting_check,
    ALTER COLUMN passed TYPE flag,
    ALTER COLUMN evidence_sealed TYPE sealed_bytes,
    ALTER COLUMN evidence_sha256 TYPE sha256_digest;
