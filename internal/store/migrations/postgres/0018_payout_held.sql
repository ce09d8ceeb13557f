-- R8-2.6: the anti-fraud system can suspend or reject a disbursement. An order is screened
-- again just before its money leaves; one the screen asks to review waits as 'held' — no
-- lease, not settled, nothing sent — until a member of staff releases it (back to pending, or
-- to the cash desk) or rejects it (failed). The existing CHECKs stay true as they are: a held
-- order has no lease and no settled_at.
ALTER DOMAIN payout_status DROP CONSTRAINT payout_status_check;
ALTER DOMAIN payout_status ADD CONSTRAINT payout_status_check
    CHECK (VALUE IN ('pending', 'sending', 'paid', 'failed', 'awaiting_cash_desk', 'held'));

-- held_at and held_reasons: when the screen last held the order and the reasons it gave (stable
-- codes joined by commas), kept after a release. released_by and released_at: the staff member
-- who released the latest hold, and when; a new hold clears them, so the worker knows a
-- release stands for that hold's reasons only. One table CHECK for the three rules: every
-- CHECK of this table is evaluated on each of its updates (see 0012).
ALTER TABLE payout_order
    ADD COLUMN held_at BIGINT,
    ADD COLUMN held_reasons TEXT NOT NULL DEFAULT '',
    ADD COLUMN released_by nonempty_text,
    ADD COLUMN released_at BIGINT,
    ADD CONSTRAINT payout_order_hold_release CHECK (
        (status = 'held') <= (held_at IS NOT NULL)
        AND (released_by IS NULL) = (released_at IS NULL)
        AND (released_at IS NULL OR held_at IS NOT NULL));

-- The staff's queue, the longest held first.
CREATE INDEX payout_order_held ON payout_order (held_at) WHERE status = 'held';
