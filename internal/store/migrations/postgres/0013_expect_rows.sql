-- expect_rows fails the statement, and with it the transaction, when a write changed another
-- number of rows than expected. A guarded write ("UPDATE … WHERE status = 'offered'") sent
-- with the next statement or the COMMIT in one round trip (store.Tx.ExecExpect) is checked
-- here, in the server, before the COMMIT that follows it can run: a check in the client would
-- come too late.
CREATE FUNCTION expect_rows(got BIGINT, want BIGINT) RETURNS BIGINT LANGUAGE plpgsql AS $$
BEGIN
    IF got <> want THEN
        RAISE EXCEPTION 'expected % row(s) changed, got %', want, got USING ERRCODE = 'NS409';
    END IF;
    RETURN got;
END $$;
