-- AML/CFT screening lists (R8.1, R10) and the MFO's internal anti-fraud lists (R8-2.4, R8-2.5).
--
-- The AML lists are public: the АФМ's list of organisations and persons linked to the financing
-- of terrorism and extremism, its list of persons under targeted financial sanctions, the UN
-- Security Council consolidated list. Their entries are not client data and are kept in clear.
-- The anti-fraud lists name the MFO's own clients and counterparties (IIN, phone, IBAN): those
-- values are personal data and are kept sealed with a blind index for lookup (R37).

-- aml_list_version is one loaded file of one list. Every load adds a version and makes it the
-- list's active one; older versions stay, because a screening result names the versions it was
-- screened against (the evidence of R8.1) and that evidence must still resolve later.
CREATE TABLE aml_list_version (
    id           TEXT     PRIMARY KEY,
    list_id      TEXT     NOT NULL CHECK (list_id <> ''),
    format       TEXT     NOT NULL CHECK (format IN ('un-xml', 'afm-xml', 'csv')),
    -- SHA-256 of the file as received: which publication was loaded.
    file_sha256  BYTEA    NOT NULL CHECK (length(file_sha256) = 32),
    entry_count  INTEGER  NOT NULL CHECK (entry_count >= 0),
    loaded_by    TEXT     NOT NULL CHECK (loaded_by <> ''),
    loaded_at    BIGINT   NOT NULL,
    active       SMALLINT NOT NULL CHECK (active IN (0, 1))
);

-- One active version per list: a reload switches the flag in one transaction, so a screening
-- never sees two versions of a list or none in between.
CREATE UNIQUE INDEX aml_list_version_one_active ON aml_list_version (list_id) WHERE active = 1;

-- aml_entry is one person or organisation of a list version, as parsed.
CREATE TABLE aml_entry (
    version_id   TEXT     NOT NULL REFERENCES aml_list_version (id),
    seq          INTEGER  NOT NULL CHECK (seq >= 0),
    ref          TEXT     NOT NULL,
    name         TEXT     NOT NULL CHECK (name <> ''),
    -- Aliases joined by newline (a name never holds one).
    aliases      TEXT     NOT NULL,
    -- Full birth dates as YYYY-MM-DD joined by commas; birth_year when only the year is known.
    birth_dates  TEXT     NOT NULL,
    birth_year   INTEGER  NOT NULL CHECK (birth_year >= 0),
    iin          TEXT     NOT NULL,
    bin          TEXT     NOT NULL,
    kind         TEXT     NOT NULL CHECK (kind IN ('person', 'organisation')),
    PRIMARY KEY (version_id, seq)
);

-- antifraud_list_entry is one value on the MFO's internal anti-fraud (stop) list, or one the
-- anti-fraud centre (АФЦ) reported. An entry is removed by stamping removed_at, never deleted:
-- a past refusal names the entry that caused it.
CREATE TABLE antifraud_list_entry (
    id              TEXT     PRIMARY KEY,
    kind            TEXT     NOT NULL CHECK (kind IN ('iin', 'phone', 'iban')),
    -- R37: HMAC blind index of the normalised value (lookup) and the value sealed by the vault,
    -- bound to this row (read back for staff).
    value_index     BYTEA    NOT NULL CHECK (length(value_index) = 32),
    value_sealed    BYTEA    NOT NULL,
    source          TEXT     NOT NULL CHECK (source IN ('internal', 'afc')),
    reason          TEXT     NOT NULL CHECK (reason <> ''),
    -- deny = 1 refuses; 0 sends the application to staff review.
    deny            SMALLINT NOT NULL CHECK (deny IN (0, 1)),
    added_by        TEXT     NOT NULL CHECK (added_by <> ''),
    added_at        BIGINT   NOT NULL,
    removed_at      BIGINT,
    removed_by      TEXT     NOT NULL DEFAULT '',
    removal_reason  TEXT     NOT NULL DEFAULT '',
    CHECK ((removed_at IS NULL) = (removed_by = '')),
    CHECK ((removed_at IS NULL) = (removal_reason = ''))
);

-- The decision looks up the live entries of a value.
CREATE INDEX antifraud_list_entry_live ON antifraud_list_entry (kind, value_index) WHERE removed_at IS NULL;

-- The decision also looks for unconsumed signals of an IIN (table from migration 0003).
CREATE INDEX antifraud_signal_iin_unconsumed ON antifraud_signal (iin_index) WHERE consumed_at IS NULL;
