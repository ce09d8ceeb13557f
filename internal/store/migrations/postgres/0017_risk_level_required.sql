-- Every decision recorded from now on carries the customer's AML/CFT risk level (R8.1), and a
-- level once weighed is never rewritten. The column stays nullable for the decisions recorded
-- before 0015, which had none weighed; a NOT NULL would refuse them, and a CHECK could not tell
-- them from a new row. The triggers fire only when their condition holds, so an insert with
-- its level costs nothing more.
CREATE FUNCTION underwriting_decision_risk_level_refused() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        RAISE EXCEPTION 'R8.1: decision % recorded without the customer''s risk level', NEW.application_id
            USING ERRCODE = 'not_null_violation';
    END IF;
    RAISE EXCEPTION 'R8.1: the risk level of decision % is kept as weighed', OLD.application_id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER underwriting_decision_has_risk_level BEFORE INSERT ON underwriting_decision
    FOR EACH ROW WHEN (NEW.risk_level IS NULL) EXECUTE FUNCTION underwriting_decision_risk_level_refused();
CREATE TRIGGER underwriting_decision_keeps_risk_level BEFORE UPDATE ON underwriting_decision
    FOR EACH ROW WHEN (NEW.risk_level IS DISTINCT FROM OLD.risk_level) EXECUTE FUNCTION underwriting_decision_risk_level_refused();
