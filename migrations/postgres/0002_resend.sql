-- A confirmed proposal whose sending was cut off (the checker's console died between the
-- store's record and the change) is sent again by a console that takes the sending over once
-- the last attempt is older than the team's lease. `send_started_us` is when the last attempt
-- began, `sends` how many there were; the status stays 'confirmed' until done or void.

ALTER TABLE proposals ADD COLUMN send_started_us BIGINT;
ALTER TABLE proposals ADD COLUMN sends BIGINT NOT NULL DEFAULT 0;

-- As before, and one more step: confirmed -> confirmed, when only the sending moves on (one
-- more attempt, later), never the decision.
CREATE OR REPLACE FUNCTION team_proposals_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ((OLD.status = 'open' AND NEW.status IN ('confirmed', 'declined', 'void'))
         OR (OLD.status = 'confirmed' AND NEW.status IN ('done', 'void'))
         OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'
             AND NEW.sends = OLD.sends + 1
             AND COALESCE(NEW.send_started_us, -1) >= COALESCE(OLD.send_started_us, OLD.decided_at_us, 0)
             AND NEW.decided_at_us IS NOT DISTINCT FROM OLD.decided_at_us
             AND NEW.checker_name IS NOT DISTINCT FROM OLD.checker_name
             AND NEW.checker_host IS NOT DISTINCT FROM OLD.checker_host))
       OR ROW(NEW.id, NEW.idempotency_key, NEW.action, NEW.backend, NEW.targets, NEW.subject,
              NEW.seen_version, NEW.reason, NEW.payload, NEW.maker, NEW.maker_name,
              NEW.maker_host, NEW.made_at_us)
          IS DISTINCT FROM
          ROW(OLD.id, OLD.idempotency_key, OLD.action, OLD.backend, OLD.targets, OLD.subject,
              OLD.seen_version, OLD.reason, OLD.payload, OLD.maker, OLD.maker_name,
              OLD.maker_host, OLD.made_at_us)
       OR (OLD.checker IS NOT NULL AND NEW.checker IS DISTINCT FROM OLD.checker) THEN
        RAISE EXCEPTION 'proposals: a status only moves forward and what was proposed never changes';
    END IF;
    RETURN NEW;
END
$$;
