-- Security notifications (R25.9) and the client's mobile devices (R26.2).
--
-- Clients are referenced by client_id without a foreign key for now: the client table arrives
-- in another migration of the same issue, and the foreign keys are added once both exist.

-- notify_outbox holds every message owed to a client. A message is written in the same
-- transaction as the event it reports (a login, a password change), so a notice can never be
-- lost when the event commits, nor sent for an event that rolled back. A worker delivers it
-- afterwards, retrying with backoff; a message that keeps failing ends as 'dead' (audited),
-- never silently dropped.
CREATE TABLE notify_outbox (
    id               TEXT   PRIMARY KEY,
    channel          TEXT   NOT NULL CHECK (channel IN ('sms', 'push', 'email')),
    client_id        TEXT   NOT NULL,
    recipient        TEXT   NOT NULL CHECK (recipient <> ''),
    kind             TEXT   NOT NULL CHECK (kind <> ''),
    text_ru          TEXT   NOT NULL,
    text_kk          TEXT   NOT NULL,
    status           TEXT   NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT   NOT NULL DEFAULT '',
    -- The key is passed to the gateway too, so a message re-sent after a worker crashed
    -- between sending and recording it is delivered once. UNIQUE makes Enqueue idempotent.
    idempotency_key  TEXT   NOT NULL UNIQUE CHECK (idempotency_key <> ''),
    created_at       BIGINT NOT NULL,
    sent_at          BIGINT,
    -- A sent message has its time, and only a sent one.
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

-- The worker's query: due pending messages in order. Partial, so sent and dead messages
-- (the vast majority, kept as the record of what was told to whom) cost the queue nothing.
CREATE INDEX notify_outbox_due ON notify_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notify_outbox_client ON notify_outbox (client_id, created_at);

-- device is a mobile device a client registered after login plus biometrics. Its requests
-- are signed with the private key that never leaves it; the public key (SubjectPublicKeyInfo
-- DER) is what the server checks them with. A revoked device stays, for the record; its
-- signatures are refused.
CREATE TABLE device (
    id           TEXT   PRIMARY KEY,
    client_id    TEXT   NOT NULL,
    name         TEXT   NOT NULL CHECK (name <> ''),
    platform     TEXT   NOT NULL CHECK (platform IN ('ios', 'android')),
    algorithm    TEXT   NOT NULL CHECK (algorithm IN ('ed25519', 'p256')),
    public_key   BYTEA  NOT NULL CHECK (length(public_key) BETWEEN 32 AND 200),
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    revoked_by   TEXT   NOT NULL DEFAULT '',
    -- Revocation names who revoked: no anonymous revocations.
    CHECK ((revoked_at IS NULL) = (revoked_by = ''))
);

-- One key registers one device: the same key under two device ids would let a revocation of
-- one leave the other accepting the same signatures.
CREATE UNIQUE INDEX device_public_key ON device (public_key);
CREATE INDEX device_client ON device (client_id, created_at);

-- device_nonce remembers the nonces a device has used. The primary key IS the replay guard:
-- a second request with the same nonce cannot insert its row. Rows are deleted once their
-- request timestamp could no longer be accepted (twice the window after they were seen).
CREATE TABLE device_nonce (
    device_id TEXT   NOT NULL,
    nonce     TEXT   NOT NULL,
    seen_at   BIGINT NOT NULL,
    PRIMARY KEY (device_id, nonce)
);
CREATE INDEX device_nonce_seen ON device_nonce (seen_at);
