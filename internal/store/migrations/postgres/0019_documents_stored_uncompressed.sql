-- The loan's documents and the client's documents are kept sealed (encrypted), so they do not
-- compress: TOAST tried pglz on each one above 2 kB (every contract copy) before giving up.
-- They are stored out of line as they are. (The small documents beside them — signatures,
-- receipts, statements — stay inline either way.)
ALTER TABLE loan_document ALTER COLUMN content SET STORAGE EXTERNAL;
ALTER TABLE client_document ALTER COLUMN content_enc SET STORAGE EXTERNAL;
