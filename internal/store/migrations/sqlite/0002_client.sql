-- Clients (R6), their documents (R34) and leak call tasks (R36). The PostgreSQL migration of
-- the same number explains each table and constraint; this one keeps the same columns and
-- meanings in SQLite's types. *_enc columns hold vault ciphertexts (R37), *_index columns
-- blind indexes (HMAC-SHA256).

CREATE TABLE client (
    id                     TEXT    PRIMARY KEY,
    kind                   TEXT    NOT NULL CHECK (kind IN ('individual', 'entrepreneur', 'legal_entity')),
    status                 TEXT    NOT NULL CHECK (status IN ('pending_verification', 'active', 'rejected')),
    iin_index              BLOB    NOT NULL CHECK (length(iin_index) = 32),
    iin_enc                BLOB    NOT NULL,
    bin_index              BLOB    CHECK (length(bin_index) = 32),
    bin_enc                BLOB,
    full_name_enc          BLOB    NOT NULL,
    id_doc_kind            TEXT    NOT NULL CHECK (id_doc_kind IN ('id_card', 'passport')),
    id_doc_number_enc      BLOB    NOT NULL,
    id_doc_expires         TEXT    NOT NULL CHECK (id_doc_expires GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    phone_index            BLOB    NOT NULL CHECK (length(phone_index) = 32),
    phone_enc              BLOB    NOT NULL,
    bank_account_enc       BLOB,
    created_at             INTEGER NOT NULL,
    activated_at           INTEGER,
    rejected_at            INTEGER,
    activation_biometric   TEXT,
    activation_signature   TEXT,
    compromised_at         INTEGER,
    -- R34: set by the lending flow when the client's last obligation closes (+5 years).
    retain_until           INTEGER,
    CHECK ((kind = 'legal_entity') = (bin_index IS NOT NULL)),
    CHECK ((bin_index IS NULL) = (bin_enc IS NULL)),
    CHECK ((status = 'active') = (activated_at IS NOT NULL)),
    CHECK ((status = 'rejected') = (rejected_at IS NOT NULL)),
    CHECK (status <> 'active' OR activation_biometric IS NOT NULL),
    CHECK (status <> 'active' OR kind = 'entrepreneur' OR activation_signature IS NOT NULL)
) STRICT;

CREATE UNIQUE INDEX client_person_unique ON client (iin_index)
    WHERE kind IN ('individual', 'entrepreneur') AND status <> 'rejected';
CREATE UNIQUE INDEX client_bin_unique ON client (bin_index)
    WHERE bin_index IS NOT NULL AND status <> 'rejected';
CREATE UNIQUE INDEX client_phone_unique ON client (phone_index) WHERE status <> 'rejected';
CREATE INDEX client_iin ON client (iin_index);

-- R6.7: the IIN, BIN (their blind indexes) and kind never change, whoever asks.
CREATE TRIGGER client_identity_immutable BEFORE UPDATE OF iin_index, bin_index, kind, id ON client
    WHEN OLD.iin_index IS NOT NEW.iin_index OR OLD.bin_index IS NOT NEW.bin_index
      OR OLD.kind IS NOT NEW.kind OR OLD.id IS NOT NEW.id
BEGIN SELECT RAISE(ABORT, 'R6.7: the IIN, BIN and kind of a client cannot change'); END;

CREATE TABLE client_document (
    id            TEXT    PRIMARY KEY,
    client_id     TEXT    NOT NULL REFERENCES client (id),
    kind          TEXT    NOT NULL CHECK (kind <> ''),
    content_type  TEXT    NOT NULL CHECK (content_type <> ''),
    content_enc   BLOB    NOT NULL,
    sha256        BLOB    NOT NULL CHECK (length(sha256) = 32),
    size          INTEGER NOT NULL CHECK (size > 0),
    received_at   INTEGER NOT NULL,
    -- R34: set by the lending flow; NULL while obligations are open.
    retain_until  INTEGER
) STRICT;

CREATE INDEX client_document_client ON client_document (client_id, received_at);

-- R34: a document is kept as received; only the ciphertext (key rotation) and retain_until
-- may change.
CREATE TRIGGER client_document_as_received BEFORE UPDATE ON client_document
    WHEN OLD.id IS NOT NEW.id OR OLD.client_id IS NOT NEW.client_id OR OLD.kind IS NOT NEW.kind
      OR OLD.content_type IS NOT NEW.content_type OR OLD.sha256 IS NOT NEW.sha256
      OR OLD.size IS NOT NEW.size OR OLD.received_at IS NOT NEW.received_at
BEGIN SELECT RAISE(ABORT, 'R34: a client document is kept as received'); END;

CREATE TABLE call_task (
    id                   TEXT    PRIMARY KEY,
    client_id            TEXT    NOT NULL REFERENCES client (id),
    reason               TEXT    NOT NULL CHECK (reason <> ''),
    status               TEXT    NOT NULL CHECK (status IN ('open', 'done')),
    created_at           INTEGER NOT NULL,
    created_by           TEXT    NOT NULL,
    completed_at         INTEGER,
    completed_by         TEXT,
    outcome              TEXT    CHECK (outcome IN ('reached', 'not_reached', 'wrong_number')),
    refusal_recommended  INTEGER CHECK (refusal_recommended IN (0, 1)),
    CHECK ((status = 'done') = (completed_at IS NOT NULL AND completed_by IS NOT NULL
                                 AND outcome IS NOT NULL AND refusal_recommended IS NOT NULL))
) STRICT;

CREATE INDEX call_task_open ON call_task (created_at) WHERE status = 'open';
CREATE INDEX call_task_client ON call_task (client_id);
