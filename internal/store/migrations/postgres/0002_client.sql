-- Clients (R6): individuals, individual entrepreneurs and legal entities, the documents they
-- hand in, and the call tasks a personal-data leak raises (R36).
--
-- Personal data is never stored in clear (R37): the *_enc columns hold vault ciphertexts
-- (AES-256-GCM under keys the MFO holds, bound to their row and column), and the *_index
-- columns hold blind indexes (HMAC-SHA256 under a separate key) so that the database can
-- enforce uniqueness and serve look-ups by IIN, BIN and phone without seeing them.

-- client is one registered (or registering) client. For a legal entity the person columns
-- describe the signatory (R6.2); for an individual or IE, the client (R6.1).
CREATE TABLE client (
    id                     TEXT     PRIMARY KEY,
    kind                   TEXT     NOT NULL CHECK (kind IN ('individual', 'entrepreneur', 'legal_entity')),
    -- The registration state machine: pending_verification → active | rejected. Transitions
    -- are guarded by UPDATE … WHERE status = …, so two racing requests cannot both win.
    status                 TEXT     NOT NULL CHECK (status IN ('pending_verification', 'active', 'rejected')),
    iin_index              BYTEA    NOT NULL CHECK (length(iin_index) = 32),
    iin_enc                BYTEA    NOT NULL,
    -- A legal entity has a BIN, nobody else does.
    bin_index              BYTEA    CHECK (length(bin_index) = 32),
    bin_enc                BYTEA,
    full_name_enc          BYTEA    NOT NULL,
    id_doc_kind            TEXT     NOT NULL CHECK (id_doc_kind IN ('id_card', 'passport')),
    id_doc_number_enc      BYTEA    NOT NULL,
    -- The document's expiry is kept in clear (YYYY-MM-DD): it identifies nobody, and a job
    -- must find documents about to expire without decrypting every row.
    id_doc_expires         TEXT     NOT NULL CHECK (id_doc_expires ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    phone_index            BYTEA    NOT NULL CHECK (length(phone_index) = 32),
    phone_enc              BYTEA    NOT NULL,
    bank_account_enc       BYTEA,
    created_at             BIGINT   NOT NULL,
    activated_at           BIGINT,
    rejected_at            BIGINT,
    -- The evidence activation rested on (R6.4): the biometric check and, except for an IE,
    -- the EDS verification; ids of the rows other packages keep.
    activation_biometric   TEXT,
    activation_signature   TEXT,
    -- R36: set when staff learn the client's personal data leaked; cleared only by a fresh
    -- biometric check and a phone-ownership check made after it.
    compromised_at         BIGINT,
    -- R34: the end of the retention period (obligations ended + 5 years), set by the lending
    -- flow when the client's last obligation closes; NULL keeps the record.
    retain_until           BIGINT,
    CHECK ((kind = 'legal_entity') = (bin_index IS NOT NULL)),
    CHECK ((bin_index IS NULL) = (bin_enc IS NULL)),
    CHECK ((status = 'active') = (activated_at IS NOT NULL)),
    CHECK ((status = 'rejected') = (rejected_at IS NOT NULL)),
    CHECK (status <> 'active' OR activation_biometric IS NOT NULL),
    CHECK (status <> 'active' OR kind = 'entrepreneur' OR activation_signature IS NOT NULL)
);

-- One living client per person (individual or IE), per legal entity (BIN) and per phone (an
-- SMS one-time password must reach exactly one client). A rejected registration frees them so
-- the person can apply again.
CREATE UNIQUE INDEX client_person_unique ON client (iin_index)
    WHERE kind IN ('individual', 'entrepreneur') AND status <> 'rejected';
CREATE UNIQUE INDEX client_bin_unique ON client (bin_index)
    WHERE bin_index IS NOT NULL AND status <> 'rejected';
CREATE UNIQUE INDEX client_phone_unique ON client (phone_index) WHERE status <> 'rejected';
-- A person may sign for several legal entities: look-ups by the signatory's IIN.
CREATE INDEX client_iin ON client (iin_index);

-- R6.7: the IIN and BIN never change. The domain has no method that changes them; this
-- trigger refuses it for every role, so neither a bug nor a hand-written UPDATE can. The
-- blind indexes are what is guarded: the ciphertexts may be re-wrapped by a key rotation, and
-- the domain checks on every read that the decrypted IIN/BIN still matches its index.
CREATE FUNCTION client_refuse_identity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'R6.7: the IIN, BIN and kind of client % cannot change', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER client_identity_immutable BEFORE UPDATE OF iin_index, bin_index, kind, id ON client
    FOR EACH ROW
    WHEN (OLD.iin_index IS DISTINCT FROM NEW.iin_index OR OLD.bin_index IS DISTINCT FROM NEW.bin_index
          OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION client_refuse_identity_change();

-- client_document keeps what the client handed in — scans, the face photo, later the
-- registration statement and its signature — in the exact bytes received (R34), encrypted
-- (R37). sha256 is of the original bytes, so integrity can be shown without decrypting.
CREATE TABLE client_document (
    id            TEXT    PRIMARY KEY,
    client_id     TEXT    NOT NULL REFERENCES client (id),
    kind          TEXT    NOT NULL CHECK (kind <> ''),
    content_type  TEXT    NOT NULL CHECK (content_type <> ''),
    content_enc   BYTEA   NOT NULL,
    sha256        BYTEA   NOT NULL CHECK (length(sha256) = 32),
    size          BIGINT  NOT NULL CHECK (size > 0),
    received_at   BIGINT  NOT NULL,
    -- R34: kept at least 5 years after the parties' obligations end; set by the lead's
    -- lending flow, NULL while obligations are open.
    retain_until  BIGINT
);

CREATE INDEX client_document_client ON client_document (client_id, received_at);

-- A document is evidence: once received, what it is and what it says never change. Only the
-- ciphertext (re-wrapped by a key rotation) and retain_until may be updated.
CREATE FUNCTION client_document_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'R34: client document % is kept as received', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER client_document_as_received BEFORE UPDATE ON client_document
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.client_id IS DISTINCT FROM NEW.client_id
          OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.content_type IS DISTINCT FROM NEW.content_type
          OR OLD.sha256 IS DISTINCT FROM NEW.sha256 OR OLD.size IS DISTINCT FROM NEW.size
          OR OLD.received_at IS DISTINCT FROM NEW.received_at)
    EXECUTE FUNCTION client_document_refuse_change();

-- call_task is a call staff owe a client whose personal data leaked (R36.3): inform them and
-- recommend the voluntary refusal of credits. It is open until staff record the outcome.
CREATE TABLE call_task (
    id                   TEXT     PRIMARY KEY,
    client_id            TEXT     NOT NULL REFERENCES client (id),
    reason               TEXT     NOT NULL CHECK (reason <> ''),
    status               TEXT     NOT NULL CHECK (status IN ('open', 'done')),
    created_at           BIGINT   NOT NULL,
    created_by           TEXT     NOT NULL,
    completed_at         BIGINT,
    completed_by         TEXT,
    outcome              TEXT     CHECK (outcome IN ('reached', 'not_reached', 'wrong_number')),
    refusal_recommended  SMALLINT CHECK (refusal_recommended IN (0, 1)),
    CHECK ((status = 'done') = (completed_at IS NOT NULL AND completed_by IS NOT NULL
                                 AND outcome IS NOT NULL AND refusal_recommended IS NOT NULL))
);

-- Staff work the open tasks oldest first.
CREATE INDEX call_task_open ON call_task (created_at) WHERE status = 'open';
CREATE INDEX call_task_client ON call_task (client_id);
