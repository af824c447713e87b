-- The team store on SQLite. Times are microseconds since the Unix epoch, taken from the
-- database's clock. Rules live here, not in the client: a claim is one row per item, a
-- proposal's checker is never its maker, and the audit copy, the timeline and proposals'
-- history cannot be edited or removed.

CREATE TABLE claims (
    item          TEXT PRIMARY KEY NOT NULL,
    owner         TEXT NOT NULL,
    owner_name    TEXT,
    host          TEXT NOT NULL,
    taken_at_us   INTEGER NOT NULL,
    expires_at_us INTEGER NOT NULL
);

CREATE TABLE proposals (
    id              TEXT PRIMARY KEY NOT NULL,
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
    made_at_us      INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open',
    checker         TEXT,
    checker_name    TEXT,
    checker_host    TEXT,
    decided_at_us   INTEGER,
    decision_note   TEXT,
    outcome         TEXT,
    done_at_us      INTEGER,
    CONSTRAINT proposal_status CHECK (status IN ('open', 'confirmed', 'declined', 'void', 'done')),
    CONSTRAINT proposal_checker_not_maker CHECK (checker IS NULL OR checker <> maker),
    CONSTRAINT proposal_decided_by_checker
        CHECK (status NOT IN ('confirmed', 'declined', 'done') OR checker IS NOT NULL)
);
CREATE INDEX proposals_by_status ON proposals (status, made_at_us);

-- A status only moves forward (open -> confirmed | declined | void, confirmed -> done | void),
-- the checker once set stays, and what was proposed never changes.
CREATE TRIGGER proposals_forward_only BEFORE UPDATE ON proposals
WHEN NOT ((OLD.status = 'open' AND NEW.status IN ('confirmed', 'declined', 'void'))
       OR (OLD.status = 'confirmed' AND NEW.status IN ('done', 'void')))
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

CREATE TRIGGER proposals_kept BEFORE DELETE ON proposals
BEGIN
    SELECT RAISE(ABORT, 'proposals are append-only: a proposal is never deleted');
END;

-- The timeline: notes, decisions, proposals' steps, claims taken over.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    subject     TEXT NOT NULL,
    at_us       INTEGER NOT NULL,
    who         TEXT,
    who_name    TEXT,
    host        TEXT,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    proposal_id TEXT
);
CREATE INDEX events_by_subject ON events (subject, at_us);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;

-- The central copy of each operator's audit log: the exact line, in order per (os_user, host),
-- each record's prev being the hash of the one before.
CREATE TABLE audit (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    os_user        TEXT NOT NULL,
    host           TEXT NOT NULL,
    n              INTEGER NOT NULL,
    line           TEXT NOT NULL,
    hash           TEXT NOT NULL,
    prev           TEXT NOT NULL,
    operator       TEXT NOT NULL,
    received_at_us INTEGER NOT NULL,
    CONSTRAINT audit_position UNIQUE (os_user, host, n)
);

CREATE TRIGGER audit_in_order BEFORE INSERT ON audit
WHEN NEW.n <> COALESCE((SELECT MAX(n) FROM audit WHERE os_user = NEW.os_user AND host = NEW.host), 0) + 1
  OR (NEW.n > 1 AND NEW.prev IS NOT
      (SELECT hash FROM audit WHERE os_user = NEW.os_user AND host = NEW.host AND n = NEW.n - 1))
BEGIN
    SELECT RAISE(ABORT, 'audit: out of order: a record must follow the last one and chain to its hash');
END;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only: UPDATE refused');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'audit is append-only: DELETE refused');
END;
