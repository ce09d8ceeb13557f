-- The worker's claim reads the due orders through partial indexes, one for pending orders by
-- due time and one for sending orders by lease, walked in order.
--
-- The indexes on (status, due_at) and (status, lease_until) kept an entry for every version of
-- every order, and the claim read them with a bitmap scan over both: every claim visited the
-- heap for each order that had ever been pending since the last vacuum (hundreds under load),
-- and a bitmap scan never marks the dead ones, so the next claim visited them again. A walk of
-- a partial index stops at the batch's size and marks dead entries as it passes, and the index
-- holds only the orders in its status.
DROP INDEX payout_order_due;
DROP INDEX payout_order_lease;
CREATE INDEX payout_order_pending_due ON payout_order (due_at) WHERE status = 'pending';
CREATE INDEX payout_order_sending_lease ON payout_order (lease_until) WHERE status = 'sending';
