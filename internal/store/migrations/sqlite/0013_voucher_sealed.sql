-- A cash voucher's code is a bearer secret: whoever holds it takes the cash at a terminal. It
-- is kept sealed with the MFO's keys like the account and the card token (R37), bound to its
-- order. voucher_code stays for orders settled before this migration, whose codes were kept in
-- clear; new orders leave it empty. (SQLite cannot add a table CHECK to an existing table; the
-- column's own check keeps a sealed value non-empty.)
ALTER TABLE payout_order ADD COLUMN voucher_code_sealed BLOB CHECK (voucher_code_sealed IS NULL OR length(voucher_code_sealed) > 0);
