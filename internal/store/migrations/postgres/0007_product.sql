-- Loan products (R8.1-1, R8.4) and partner merchants (R8.6, R9.2, R9.4).
--
-- A product is never edited in place: every change is a new row of product_version, and a
-- loan keeps the id of the version it was made under, so the terms a client signed can always
-- be shown again. The spec is kept in columns, not a JSON blob, so that the database itself
-- refuses a range that runs backwards, a negative fee or an unknown status, whatever code
-- writes the row.
CREATE TABLE product_version (
    id                  TEXT    PRIMARY KEY,
    code                TEXT    NOT NULL CHECK (code ~ '^[a-z0-9-]{2,40}$'),
    number              INTEGER NOT NULL CHECK (number > 0),
    name_ru             TEXT    NOT NULL CHECK (name_ru <> ''),
    name_kk             TEXT    NOT NULL CHECK (name_kk <> ''),
    kind                TEXT    NOT NULL CHECK (kind IN ('consumer', 'business')),
    secured             SMALLINT NOT NULL CHECK (secured IN (0, 1)),
    credit_line         SMALLINT NOT NULL CHECK (credit_line IN (0, 1)),
    -- Which client kinds may apply: one flag each, at least one set. Business loans are not
    -- for individuals; consumer loans are not for legal entities.
    for_individual      SMALLINT NOT NULL CHECK (for_individual IN (0, 1)),
    for_entrepreneur    SMALLINT NOT NULL CHECK (for_entrepreneur IN (0, 1)),
    for_legal_entity    SMALLINT NOT NULL CHECK (for_legal_entity IN (0, 1)),
    min_amount          BIGINT  NOT NULL CHECK (min_amount > 0),
    max_amount          BIGINT  NOT NULL,
    unit                TEXT    NOT NULL CHECK (unit IN ('month', 'day')),
    min_term            INTEGER NOT NULL CHECK (min_term > 0),
    max_term            INTEGER NOT NULL,
    -- Rates in millionths of a percent (schedule.Rate), exact integers.
    annual_rate_micro   BIGINT  NOT NULL CHECK (annual_rate_micro >= 0),
    upfront_fee         BIGINT  NOT NULL CHECK (upfront_fee >= 0),
    period_fee          BIGINT  NOT NULL CHECK (period_fee >= 0),
    -- The schedule methods a client may choose among (R8.4): one flag each, at least one.
    method_annuity        SMALLINT NOT NULL CHECK (method_annuity IN (0, 1)),
    method_differentiated SMALLINT NOT NULL CHECK (method_differentiated IN (0, 1)),
    method_bullet         SMALLINT NOT NULL CHECK (method_bullet IN (0, 1)),
    method_single         SMALLINT NOT NULL CHECK (method_single IN (0, 1)),
    day_count           TEXT    NOT NULL CHECK (day_count IN ('30/360', 'actual/365', 'actual/actual')),
    penalty_daily_micro BIGINT  NOT NULL CHECK (penalty_daily_micro >= 0),
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'retired')),
    proposed_by         TEXT    NOT NULL CHECK (proposed_by <> ''),
    proposed_at         BIGINT  NOT NULL,
    -- The second staff member who approved or rejected the version.
    decided_by          TEXT,
    decided_at          BIGINT,
    reason              TEXT    NOT NULL DEFAULT '',
    retired_by          TEXT,
    retired_at          BIGINT,
    UNIQUE (code, number),
    CHECK (max_amount >= min_amount),
    CHECK (max_term >= min_term),
    CHECK (for_individual + for_entrepreneur + for_legal_entity >= 1),
    CHECK (kind <> 'business' OR for_individual = 0),
    CHECK (kind <> 'consumer' OR for_legal_entity = 0),
    CHECK (method_annuity + method_differentiated + method_bullet + method_single >= 1),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
    -- Four eyes: whoever decides on a version is not who proposed it. The service refuses it
    -- first; this makes it true of every row, whatever wrote it.
    CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);

-- The partial unique index IS the guarantee that a product code has at most one active
-- version, even when two approvals race.
CREATE UNIQUE INDEX product_version_one_active ON product_version (code) WHERE status = 'active';
CREATE INDEX product_version_status ON product_version (status, code);

-- What was approved is what loans were made under: the spec columns never change after
-- insert; only the status and the decision columns move.
CREATE FUNCTION product_version_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'product version % is kept as proposed; propose a new version', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER product_version_spec_immutable BEFORE UPDATE ON product_version
    FOR EACH ROW
    WHEN (ROW(OLD.id, OLD.code, OLD.number, OLD.name_ru, OLD.name_kk, OLD.kind, OLD.secured,
              OLD.credit_line, OLD.for_individual, OLD.for_entrepreneur, OLD.for_legal_entity,
              OLD.min_amount, OLD.max_amount, OLD.unit, OLD.min_term, OLD.max_term,
              OLD.annual_rate_micro, OLD.upfront_fee, OLD.period_fee, OLD.method_annuity,
              OLD.method_differentiated, OLD.method_bullet, OLD.method_single, OLD.day_count,
              OLD.penalty_daily_micro, OLD.proposed_by, OLD.proposed_at)
          IS DISTINCT FROM
          ROW(NEW.id, NEW.code, NEW.number, NEW.name_ru, NEW.name_kk, NEW.kind, NEW.secured,
              NEW.credit_line, NEW.for_individual, NEW.for_entrepreneur, NEW.for_legal_entity,
              NEW.min_amount, NEW.max_amount, NEW.unit, NEW.min_term, NEW.max_term,
              NEW.annual_rate_micro, NEW.upfront_fee, NEW.period_fee, NEW.method_annuity,
              NEW.method_differentiated, NEW.method_bullet, NEW.method_single, NEW.day_count,
              NEW.penalty_daily_micro, NEW.proposed_by, NEW.proposed_at))
    EXECUTE FUNCTION product_version_refuse_change();

-- Partner merchants: legal entities under contract with the MFO to whom a loan may be paid
-- for goods or services (R8.6, R9.2; R9.4 requires biometrics for such a transfer). This is
-- public business data, not personal data, so it is kept in clear. One row per BIN: a
-- merchant is suspended, never deleted, so loans paid to it still name it.
CREATE TABLE merchant (
    id             TEXT    PRIMARY KEY,
    bin            TEXT    NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{12}$'),
    name           TEXT    NOT NULL CHECK (name <> ''),
    iban           TEXT    NOT NULL CHECK (iban ~ '^KZ[0-9]{5}[0-9A-Z]{13}$'),
    contract_ref   TEXT    NOT NULL CHECK (contract_ref <> ''),
    status         TEXT    NOT NULL CHECK (status IN ('active', 'suspended')),
    added_by       TEXT    NOT NULL CHECK (added_by <> ''),
    added_at       BIGINT  NOT NULL,
    suspended_by   TEXT,
    suspended_at   BIGINT,
    suspend_reason TEXT    NOT NULL DEFAULT '',
    CHECK ((status = 'suspended') = (suspended_at IS NOT NULL)),
    CHECK ((suspended_at IS NULL) = (suspended_by IS NULL))
);

CREATE INDEX merchant_status ON merchant (status, name);
