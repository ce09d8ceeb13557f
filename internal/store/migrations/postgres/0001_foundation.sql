-- The foundation: the MFO's own details and the audit trail.
--
-- Times are BIGINT microseconds since the Unix epoch (UTC) in every table that takes part in
-- the audit hash chain: the chain hashes the exact integer, and both engines store it
-- without conversion, so a verifier on either engine recomputes the same bytes.

-- organization holds the MFO running this installation. R7.2 requires the cabinet to show
-- its legal and actual address, phones, fax, e-mail and the head's full name.
CREATE TABLE organization (
    id              BIGINT PRIMARY KEY,
    name            TEXT   NOT NULL CHECK (name <> ''),
    bin             TEXT   NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{12}$'),
    legal_address   TEXT   NOT NULL,
    actual_address  TEXT   NOT NULL,
    phones          TEXT   NOT NULL,
    fax             TEXT   NOT NULL DEFAULT '',
    email           TEXT   NOT NULL,
    head_name       TEXT   NOT NULL,
    created_at      BIGINT NOT NULL
);

-- audit_pending is the inbox of the audit trail. A business transaction inserts its event
-- here, in the same transaction as the change it records (so a change without its event can
-- never commit). The sealer then moves events, in commit order as it sees them, into
-- audit_event and links them into the hash chain. Keeping the chain out of the business
-- transaction means writers never queue behind one lock on the chain head, and PostgreSQL can
-- group their commits.
CREATE TABLE audit_pending (
    id            BIGSERIAL PRIMARY KEY,
    occurred_at   BIGINT NOT NULL,
    actor_kind    TEXT   NOT NULL,
    actor_id      TEXT   NOT NULL,
    action        TEXT   NOT NULL CHECK (action <> ''),
    object_type   TEXT   NOT NULL,
    object_id     TEXT   NOT NULL,
    request_id    TEXT   NOT NULL,
    ip            TEXT   NOT NULL,
    details       TEXT   NOT NULL,
    change_digest BYTEA  NOT NULL CHECK (length(change_digest) = 32)
);

-- audit_event is the trail itself (R32): append-only, one row per event, numbered without
-- gaps by seq, each hash = SHA-256 over the previous hash and the canonical encoding of the
-- row. Nobody updates or deletes it: the triggers below refuse it for every role, and
-- `nesie migrate --app-role` grants the application role only SELECT and INSERT. A database
-- superuser can still drop the triggers; that is what the hash chain and the signed
-- checkpoints kept outside the database are for.
CREATE TABLE audit_event (
    seq           BIGINT PRIMARY KEY CHECK (seq > 0),
    occurred_at   BIGINT NOT NULL,
    sealed_at     BIGINT NOT NULL,
    actor_kind    TEXT   NOT NULL,
    actor_id      TEXT   NOT NULL,
    action        TEXT   NOT NULL,
    object_type   TEXT   NOT NULL,
    object_id     TEXT   NOT NULL,
    request_id    TEXT   NOT NULL,
    ip            TEXT   NOT NULL,
    details       TEXT   NOT NULL,
    change_digest BYTEA  NOT NULL CHECK (length(change_digest) = 32),
    hash          BYTEA  NOT NULL CHECK (length(hash) = 32)
);

-- Auditors look up the history of one object.
CREATE INDEX audit_event_object ON audit_event (object_type, object_id, seq);

-- audit_checkpoint records the chain head signed with the audit key (Ed25519), which the
-- database does not hold. The same lines go to an append-only file outside the database.
CREATE TABLE audit_checkpoint (
    seq        BIGINT PRIMARY KEY CHECK (seq > 0),
    hash       BYTEA  NOT NULL CHECK (length(hash) = 32),
    signed_at  BIGINT NOT NULL,
    key_id     TEXT   NOT NULL,
    signature  BYTEA  NOT NULL CHECK (length(signature) = 64)
);

CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON audit_checkpoint
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, audit_checkpoint FROM PUBLIC;
