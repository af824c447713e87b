-- The team store on PostgreSQL. Times are microseconds since the Unix epoch, taken from the
-- server's clock, so consoles on hosts whose clocks differ agree on expiry. Rules live here,
-- not in the client: a claim is one row per item, a proposal's checker is never its maker,
-- and the audit copy, the timeline and proposals' history cannot be edited or removed (the
-- consoles' role is also only granted what the README lists).

CREATE TABLE claims (
    item          TEXT PRIMARY KEY,
    owner         TEXT NOT NULL,
    owner_name    TEXT,
    host          TEXT NOT NULL,
    taken_at_us   BIGINT NOT NULL,
    expires_at_us BIGINT NOT NULL
);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    action          TEXT NOT NULL,
    backend         TEXT NOT NULL,
    targets         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    seen_version    TEXT NOT NULL,
    reason          TEXT,
    payload         TEXT NOT NULL,
    maker           TEXT NOT NULL,
    maker_name      TEXT,
    maker_host      TEXT NOT NULL,
    made_at_us      BIGINT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open',
    checker         TEXT,
    checker_name    TEXT,
    checker_host    TEXT,
    decided_at_us   BIGINT,
    decision_note   TEXT,
    outcome         TEXT,
    done_at_us      BIGINT,
    CONSTRAINT proposal_status CHECK (status IN ('open', 'confirmed', 'declined', 'void', 'done')),
    CONSTRAINT proposal_checker_not_maker CHECK (checker IS NULL OR checker <> maker),
    CONSTRAINT proposal_decided_by_checker
        CHECK (status NOT IN ('confirmed', 'declined', 'done') OR checker IS NOT NULL)
);
CREATE INDEX proposals_by_status ON proposals (status, made_at_us);

CREATE FUNCTION team_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$;

-- A status only moves forward (open -> confirmed | declined | void, confirmed -> done | void),
-- the checker once set stays, and what was proposed never changes.
CREATE FUNCTION team_proposals_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT ((OLD.status = 'open' AND NEW.status IN ('confirmed', 'declined', 'void'))
         OR (OLD.status = 'confirmed' AND NEW.status IN ('done', 'void')))
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

CREATE TRIGGER proposals_forward_only BEFORE UPDATE ON proposals
    FOR EACH ROW EXECUTE FUNCTION team_proposals_forward_only();
CREATE TRIGGER proposals_kept BEFORE DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION team_append_only();
CREATE TRIGGER proposals_kept_whole BEFORE TRUNCATE ON proposals
    FOR EACH STATEMENT EXECUTE FUNCTION team_append_only();

-- The timeline: notes, decisions, proposals' steps, claims taken over.
CREATE TABLE events (
    id          BIGSERIAL PRIMARY KEY,
    subject     TEXT NOT NULL,
    at_us       BIGINT NOT NULL,
    who         TEXT,
    who_name    TEXT,
    host        TEXT,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    proposal_id TEXT
);
CREATE INDEX events_by_subject ON events (subject, at_us);

CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION team_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION team_append_only();

-- The central copy of each operator's audit log: the exact line, in order per (os_user, host),
-- each record's prev being the hash of the one before.
CREATE TABLE audit (
    id             BIGSERIAL PRIMARY KEY,
    os_user        TEXT NOT NULL,
    host           TEXT NOT NULL,
    n              BIGINT NOT NULL,
    line           TEXT NOT NULL,
    hash           TEXT NOT NULL,
    prev           TEXT NOT NULL,
    operator       TEXT NOT NULL,
    received_at_us BIGINT NOT NULL,
    CONSTRAINT audit_position UNIQUE (os_user, host, n)
);

-- The table is named through the trigger's own schema, never the caller's search_path, so a
-- temporary table of the same name cannot stand in for it.
CREATE FUNCTION team_audit_in_order() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_n    BIGINT;
    last_hash TEXT;
BEGIN
    EXECUTE format('SELECT n, hash FROM %I.%I WHERE os_user = $1 AND host = $2 ORDER BY n DESC LIMIT 1',
                   TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO last_n, last_hash
        USING NEW.os_user, NEW.host;
    IF NEW.n <> COALESCE(last_n, 0) + 1
       OR (last_n IS NOT NULL AND NEW.prev IS DISTINCT FROM last_hash) THEN
        RAISE EXCEPTION 'audit: out of order: a record must follow the last one and chain to its hash';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_in_order BEFORE INSERT ON audit
    FOR EACH ROW EXECUTE FUNCTION team_audit_in_order();
CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION team_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION team_append_only();
