-- A confirmed proposal whose sending was cut off (the checker's console died between the
-- store's record and the change) is sent again by a console that takes the sending over once
-- the last attempt is older than the team's lease. `send_started_us` is when the last attempt
-- began, `sends` how many there were; the status stays 'confirmed' until done or void.

ALTER TABLE proposals ADD COLUMN send_started_us INTEGER;
ALTER TABLE proposals ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;

-- As before, and one more step: confirmed -> confirmed, when only the sending moves on (one
-- more attempt, later), never the decision.
DROP TRIGGER proposals_forward_only;
CREATE TRIGGER proposals_forward_only BEFORE UPDATE ON proposals
WHEN NOT ((OLD.status = 'open' AND NEW.status IN ('confirmed', 'declined', 'void'))
       OR (OLD.status = 'confirmed' AND NEW.status IN ('done', 'void'))
       OR (OLD.status = 'confirmed' AND NEW.status = 'confirmed'
           AND NEW.sends = OLD.sends + 1
           AND COALESCE(NEW.send_started_us, -1) >= COALESCE(OLD.send_started_us, OLD.decided_at_us, 0)
           AND NEW.decided_at_us IS OLD.decided_at_us
           AND NEW.checker_name IS OLD.checker_name
           AND NEW.checker_host IS OLD.checker_host))
  OR NEW.id IS NOT OLD.id
  OR NEW.idempotency_key IS NOT OLD.idempotency_key
  OR NEW.action IS NOT OLD.action
  OR NEW.backend IS NOT OLD.backend
  OR NEW.targets IS NOT OLD.targets
  OR NEW.subject IS NOT OLD.subject
  OR NEW.seen_version IS NOT OLD.seen_version
  OR NEW.reason IS NOT OLD.reason
  OR NEW.payload IS NOT OLD.payload
  OR NEW.maker IS NOT OLD.maker
  OR NEW.maker_name IS NOT OLD.maker_name
  OR NEW.maker_host IS NOT OLD.maker_host
  OR NEW.made_at_us IS NOT OLD.made_at_us
  OR (OLD.checker IS NOT NULL AND NEW.checker IS NOT OLD.checker)
BEGIN
    SELECT RAISE(ABORT, 'proposals: a status only moves forward and what was proposed never changes');
END;
