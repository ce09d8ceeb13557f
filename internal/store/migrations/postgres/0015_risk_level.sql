-- The customer's AML/CFT risk level (R8.1), weighed before lending by the MFO's internal
-- control rules, is kept with the underwriting decision, and its weighing is a recorded check
-- ('risk_level') like the others.
--
-- The column is nullable on purpose: a decision recorded before this migration had no level
-- weighed, and a default ('low') would claim one that never was. The application writes a
-- level with every new decision; NULL means "decided before the level was kept". The allowed
-- values are a domain, as in 0012: a domain's check runs only when a value is assigned,
-- where a table CHECK is prepared again for every statement on the table.
CREATE DOMAIN aml_risk_level AS TEXT CHECK (VALUE IN ('low', 'medium', 'high'));

ALTER TABLE underwriting_decision ADD COLUMN risk_level aml_risk_level;

-- The new check's name joins the allowed ones. A domain's unnamed check is named
-- <domain>_check; ADD CONSTRAINT re-checks the rows already stored.
ALTER DOMAIN underwriting_check DROP CONSTRAINT underwriting_check_check;
ALTER DOMAIN underwriting_check ADD CONSTRAINT underwriting_check_check
    CHECK (VALUE IN ('aml', 'risk_level', 'bureau', 'voluntary_refusal', 'overdue_90', 'dti', 'antifraud', 'scorecard'));
