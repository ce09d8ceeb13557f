-- Loan products and partner merchants. The PostgreSQL migration of the same number explains
-- each table and constraint; this one keeps the same columns and meanings in SQLite's types.

CREATE TABLE product_version (
    id                  TEXT    PRIMARY KEY,
    code                TEXT    NOT NULL CHECK (length(code) BETWEEN 2 AND 40 AND code NOT GLOB '*[^a-z0-9-]*'),
    number              INTEGER NOT NULL CHECK (number > 0),
    name_ru             TEXT    NOT NULL CHECK (name_ru <> ''),
    name_kk             TEXT    NOT NULL CHECK (name_kk <> ''),
    kind                TEXT    NOT NULL CHECK (kind IN ('consumer', 'business')),
    secured             INTEGER NOT NULL CHECK (secured IN (0, 1)),
    credit_line         INTEGER NOT NULL CHECK (credit_line IN (0, 1)),
    for_individual      INTEGER NOT NULL CHECK (for_individual IN (0, 1)),
    for_entrepreneur    INTEGER NOT NULL CHECK (for_entrepreneur IN (0, 1)),
    for_legal_entity    INTEGER NOT NULL CHECK (for_legal_entity IN (0, 1)),
    min_amount          INTEGER NOT NULL CHECK (min_amount > 0),
    max_amount          INTEGER NOT NULL,
    unit                TEXT    NOT NULL CHECK (unit IN ('month', 'day')),
    min_term            INTEGER NOT NULL CHECK (min_term > 0),
    max_term            INTEGER NOT NULL,
    annual_rate_micro   INTEGER NOT NULL CHECK (annual_rate_micro >= 0),
    upfront_fee         INTEGER NOT NULL CHECK (upfront_fee >= 0),
    period_fee          INTEGER NOT NULL CHECK (period_fee >= 0),
    method_annuity        INTEGER NOT NULL CHECK (method_annuity IN (0, 1)),
    method_differentiated INTEGER NOT NULL CHECK (method_differentiated IN (0, 1)),
    method_bullet         INTEGER NOT NULL CHECK (method_bullet IN (0, 1)),
    method_single         INTEGER NOT NULL CHECK (method_single IN (0, 1)),
    day_count           TEXT    NOT NULL CHECK (day_count IN ('30/360', 'actual/365', 'actual/actual')),
    penalty_daily_micro INTEGER NOT NULL CHECK (penalty_daily_micro >= 0),
    status              TEXT    NOT NULL CHECK (status IN ('pending', 'active', 'rejected', 'retired')),
    proposed_by         TEXT    NOT NULL CHECK (proposed_by <> ''),
    proposed_at         INTEGER NOT NULL,
    decided_by          TEXT,
    decided_at          INTEGER,
    reason              TEXT    NOT NULL DEFAULT '',
    retired_by          TEXT,
    retired_at          INTEGER,
    UNIQUE (code, number),
    CHECK (max_amount >= min_amount),
    CHECK (max_term >= min_term),
    CHECK (for_individual + for_entrepreneur + for_legal_entity >= 1),
    CHECK (kind <> 'business' OR for_individual = 0),
    CHECK (kind <> 'consumer' OR for_legal_entity = 0),
    CHECK (method_annuity + method_differentiated + method_bullet + method_single >= 1),
    CHECK ((status = 'pending') = (decided_at IS NULL)),
    CHECK ((decided_at IS NULL) = (decided_by IS NULL)),
    -- Four eyes (see the PostgreSQL migration).
    CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    CHECK ((status = 'retired') = (retired_at IS NOT NULL)),
    CHECK ((retired_at IS NULL) = (retired_by IS NULL))
) STRICT;

-- At most one active version per code; SQLite enforces partial unique indexes too.
CREATE UNIQUE INDEX product_version_one_active ON product_version (code) WHERE status = 'active';
CREATE INDEX product_version_status ON product_version (status, code);

CREATE TRIGGER product_version_spec_immutable BEFORE UPDATE ON product_version
    WHEN OLD.id IS NOT NEW.id OR OLD.code IS NOT NEW.code OR OLD.number IS NOT NEW.number
      OR OLD.name_ru IS NOT NEW.name_ru OR OLD.name_kk IS NOT NEW.name_kk
      OR OLD.kind IS NOT NEW.kind OR OLD.secured IS NOT NEW.secured
      OR OLD.credit_line IS NOT NEW.credit_line OR OLD.for_individual IS NOT NEW.for_individual
      OR OLD.for_entrepreneur IS NOT NEW.for_entrepreneur
      OR OLD.for_legal_entity IS NOT NEW.for_legal_entity
      OR OLD.min_amount IS NOT NEW.min_amount OR OLD.max_amount IS NOT NEW.max_amount
      OR OLD.unit IS NOT NEW.unit OR OLD.min_term IS NOT NEW.min_term
      OR OLD.max_term IS NOT NEW.max_term OR OLD.annual_rate_micro IS NOT NEW.annual_rate_micro
      OR OLD.upfront_fee IS NOT NEW.upfront_fee OR OLD.period_fee IS NOT NEW.period_fee
      OR OLD.method_annuity IS NOT NEW.method_annuity
      OR OLD.method_differentiated IS NOT NEW.method_differentiated
      OR OLD.method_bullet IS NOT NEW.method_bullet OR OLD.method_single IS NOT NEW.method_single
      OR OLD.day_count IS NOT NEW.day_count
      OR OLD.penalty_daily_micro IS NOT NEW.penalty_daily_micro
      OR OLD.proposed_by IS NOT NEW.proposed_by OR OLD.proposed_at IS NOT NEW.proposed_at
BEGIN SELECT RAISE(ABORT, 'a product version is kept as proposed; propose a new version'); END;

CREATE TABLE merchant (
    id             TEXT    PRIMARY KEY,
    bin            TEXT    NOT NULL UNIQUE CHECK (length(bin) = 12 AND bin NOT GLOB '*[^0-9]*'),
    name           TEXT    NOT NULL CHECK (name <> ''),
    iban           TEXT    NOT NULL CHECK (length(iban) = 20 AND substr(iban, 1, 2) = 'KZ'
                               AND substr(iban, 3, 5) NOT GLOB '*[^0-9]*'
                               AND substr(iban, 8) NOT GLOB '*[^0-9A-Z]*'),
    contract_ref   TEXT    NOT NULL CHECK (contract_ref <> ''),
    status         TEXT    NOT NULL CHECK (status IN ('active', 'suspended')),
    added_by       TEXT    NOT NULL CHECK (added_by <> ''),
    added_at       INTEGER NOT NULL,
    suspended_by   TEXT,
    suspended_at   INTEGER,
    suspend_reason TEXT    NOT NULL DEFAULT '',
    CHECK ((status = 'suspended') = (suspended_at IS NOT NULL)),
    CHECK ((suspended_at IS NULL) = (suspended_by IS NULL))
) STRICT;

CREATE INDEX merchant_status ON merchant (status, name);
