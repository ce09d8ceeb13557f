-- The foundation: the MFO's own details and the audit trail. The PostgreSQL migration of the
-- same number explains each table; this one keeps the same columns and meanings in SQLite's
-- types. Tables are STRICT so that a value of the wrong type is refused, not coerced.

CREATE TABLE organization (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL CHECK (name <> ''),
    bin             TEXT    NOT NULL UNIQUE CHECK (length(bin) = 12 AND bin NOT GLOB '*[^0-9]*'),
    legal_address   TEXT    NOT NULL,
    actual_address  TEXT    NOT NULL,
    phones          TEXT    NOT NULL,
    fax             TEXT    NOT NULL DEFAULT '',
    email           TEXT    NOT NULL,
    head_name       TEXT    NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;

-- The inbox of the audit trail; see the PostgreSQL migration.
CREATE TABLE audit_pending (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at   INTEGER NOT NULL,
    actor_kind    TEXT    NOT NULL,
    actor_id      TEXT    NOT NULL,
    action        TEXT    NOT NULL CHECK (action <> ''),
    object_type   TEXT    NOT NULL,
    object_id     TEXT    NOT NULL,
    request_id    TEXT    NOT NULL,
    ip            TEXT    NOT NULL,
    details       TEXT    NOT NULL,
    change_digest BLOB    NOT NULL CHECK (length(change_digest) = 32)
) STRICT;

-- The append-only, hash-chained trail (R32).
CREATE TABLE audit_event (
    seq           INTEGER PRIMARY KEY CHECK (seq > 0),
    occurred_at   INTEGER NOT NULL,
    sealed_at     INTEGER NOT NULL,
    actor_kind    TEXT    NOT NULL,
    actor_id      TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    object_type   TEXT    NOT NULL,
    object_id     TEXT    NOT NULL,
    request_id    TEXT    NOT NULL,
    ip            TEXT    NOT NULL,
    details       TEXT    NOT NULL,
    change_digest BLOB    NOT NULL CHECK (length(change_digest) = 32),
    hash          BLOB    NOT NULL CHECK (length(hash) = 32)
) STRICT;

CREATE INDEX audit_event_object ON audit_event (object_type, object_id, seq);

CREATE TABLE audit_checkpoint (
    seq        INTEGER PRIMARY KEY CHECK (seq > 0),
    hash       BLOB    NOT NULL CHECK (length(hash) = 32),
    signed_at  INTEGER NOT NULL,
    key_id     TEXT    NOT NULL,
    signature  BLOB    NOT NULL CHECK (length(signature) = 64)
) STRICT;

-- SQLite has no roles; the triggers are what refuses changes to the trail. Whoever can write
-- the file can drop them, which the hash chain and the signed checkpoints detect.
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on audit_event refused'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_event refused'); END;
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: UPDATE on audit_checkpoint refused'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: DELETE on audit_checkpoint refused'); END;
