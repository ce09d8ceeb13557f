-- Security notifications (R25.9) and mobile devices (R26.2). The PostgreSQL migration of the
-- same number explains each table; this one keeps the same columns and meanings in SQLite's
-- types. Clients are referenced by client_id without a foreign key for now.

CREATE TABLE notify_outbox (
    id               TEXT    PRIMARY KEY,
    channel          TEXT    NOT NULL CHECK (channel IN ('sms', 'push', 'email')),
    client_id        TEXT    NOT NULL,
    recipient        TEXT    NOT NULL CHECK (recipient <> ''),
    kind             TEXT    NOT NULL CHECK (kind <> ''),
    text_ru          TEXT    NOT NULL,
    text_kk          TEXT    NOT NULL,
    status           TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    idempotency_key  TEXT    NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    created_at       INTEGER NOT NULL,
    sent_at          INTEGER,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
) STRICT;

CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notify_outbox_client ON notify_outbox (client_id, created_at);

CREATE TABLE device (
    id           TEXT    PRIMARY KEY,
    client_id    TEXT    NOT NULL,
    name         TEXT    NOT NULL CHECK (name <> ''),
    platform     TEXT    NOT NULL CHECK (platform IN ('ios', 'android')),
    algorithm    TEXT    NOT NULL CHECK (algorithm IN ('ed25519', 'p256')),
    public_key   BLOB    NOT NULL CHECK (length(public_key) BETWEEN 32 AND 200),
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER,
    revoked_by   TEXT    NOT NULL DEFAULT '',
    CHECK ((revoked_at IS NULL) = (revoked_by = ''))
) STRICT;

CREATE UNIQUE INDEX device_public_key ON device (public_key);
CREATE INDEX device_client ON device (client_id, created_at);

CREATE TABLE device_nonce (
    device_id TEXT    NOT NULL,
    nonce     TEXT    NOT NULL,
    seen_at   INTEGER NOT NULL,
    PRIMARY KEY (device_id, nonce)
) STRICT;
CREATE INDEX device_nonce_seen ON device_nonce (seen_at);
