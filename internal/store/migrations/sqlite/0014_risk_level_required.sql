-- Every decision recorded from now on carries the customer's AML/CFT risk level (R8.1), and a
-- level once weighed is never rewritten: the same rule as the PostgreSQL migration 0017; see
-- the comments there.
CREATE TRIGGER underwriting_decision_has_risk_level BEFORE INSERT ON underwriting_decision
WHEN NEW.risk_level IS NULL
BEGIN SELECT RAISE(ABORT, 'R8.1: a decision is recorded with the customer''s risk level'); END;

CREATE TRIGGER underwriting_decision_keeps_risk_level BEFORE UPDATE ON underwriting_decision
WHEN NEW.risk_level IS NOT OLD.risk_level
BEGIN SELECT RAISE(ABORT, 'R8.1: the risk level of a decision is kept as weighed'); END;
