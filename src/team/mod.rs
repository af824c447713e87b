//! The team store: where operators meet. Claims on review work, four-eyes proposals, case notes
//! and a timeline per subject, and the central copy of every operator's audit log.
//!
//! Two engines behind one type: an embedded SQLite file (the default; one jump host's operators
//! can share a file) and PostgreSQL for a team across hosts. Versioned migrations run at open,
//! and a database whose schema is newer than this binary knows is refused.
//!
//! The rules live in the database, not here: a claim is one conditional write on a row unique
//! per item, a proposal's checker differs from its maker by a CHECK constraint, a proposal's
//! status only moves forward by trigger, and the audit copy and the timeline are append-only by
//! trigger. This module shows what the store decided.

mod audit;
mod claims;
mod open;
mod proposals;
mod timeline;

pub use audit::{AuditComparison, compare_audit};
pub use open::{SCHEMA_VERSION, redact_url};

use jiff::Timestamp;
use std::fmt;
use std::path::PathBuf;
use uuid::Uuid;

/// Who acts, from where. Maker and checker are told apart by [`Operator::key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The OS user (from the password database).
    pub os_user: String,
    /// The profile's configured operator name, shown beside the key.
    pub name: Option<String>,
    pub host: String,
    /// A sandbox profile tells operators apart by `name` as well, so that two consoles of one
    /// OS user can act as maker and checker. Never set for a real profile: there, one OS user
    /// is one operator whatever name it gives.
    pub by_name: bool,
}

impl Operator {
    /// An operator known by OS user alone.
    pub fn new(os_user: impl Into<String>, name: Option<String>, host: impl Into<String>) -> Self {
        Operator {
            os_user: os_user.into(),
            name,
            host: host.into(),
            by_name: false,
        }
    }

    /// An operator told apart by OS user and name (sandbox profiles).
    pub fn by_name(
        os_user: impl Into<String>,
        name: impl Into<String>,
        host: impl Into<String>,
    ) -> Self {
        Operator {
            os_user: os_user.into(),
            name: Some(name.into()),
            host: host.into(),
            by_name: true,
        }
    }

    /// The identity the store compares: `os_user`, or `os_user/name` for an operator told
    /// apart by name.
    pub fn key(&self) -> String {
        match (&self.name, self.by_name) {
            (Some(name), true) => format!("{}/{}", self.os_user, name),
            _ => self.os_user.clone(),
        }
    }
}

/// A live claim on an item (a review document, e.g. `unioo:document:12`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub item: String,
    /// The owner's [`Operator::key`].
    pub owner: String,
    pub owner_name: Option<String>,
    /// The host the owner claimed from.
    pub host: String,
    pub taken_at: Timestamp,
    pub expires_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimResult {
    /// The item is now the caller's (newly taken, or the caller's own claim renewed).
    Taken(Claim),
    /// Someone else holds a live claim on it.
    HeldBy(Claim),
}

/// What a maker proposes instead of calling the backend.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// The mutating action's name, as in `four_eyes` (e.g. `legitimation.reject`).
    pub action: String,
    pub backend: String,
    /// Ids of what is acted on.
    pub targets: Vec<String>,
    /// The timeline subject (e.g. `unioo:document:12`).
    pub subject: String,
    /// The target's version the maker saw: the checker's call carries it, so a target changed
    /// since is not acted on blindly.
    pub seen_version: String,
    pub reason: Option<String>,
    /// What the checker's console sends.
    pub payload: serde_json::Value,
    pub maker: Operator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProposalStatus {
    Open,
    Confirmed,
    Declined,
    Void,
    Done,
}

impl ProposalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalStatus::Open => "open",
            ProposalStatus::Confirmed => "confirmed",
            ProposalStatus::Declined => "declined",
            ProposalStatus::Void => "void",
            ProposalStatus::Done => "done",
        }
    }

    fn parse(s: &str) -> Option<ProposalStatus> {
        Some(match s {
            "open" => ProposalStatus::Open,
            "confirmed" => ProposalStatus::Confirmed,
            "declined" => ProposalStatus::Declined,
            "void" => ProposalStatus::Void,
            "done" => ProposalStatus::Done,
            _ => return None,
        })
    }
}

impl fmt::Display for ProposalStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proposal as the store holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: Uuid,
    /// Sent with the mutation, so retries of it are one mutation.
    pub idempotency_key: Uuid,
    pub action: String,
    pub backend: String,
    pub targets: Vec<String>,
    pub subject: String,
    pub seen_version: String,
    pub reason: Option<String>,
    pub payload: serde_json::Value,
    /// The maker's [`Operator::key`].
    pub maker: String,
    pub maker_name: Option<String>,
    pub maker_host: String,
    pub made_at: Timestamp,
    pub status: ProposalStatus,
    /// The checker's [`Operator::key`], once confirmed or declined.
    pub checker: Option<String>,
    pub checker_name: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// Why it was declined, or why it is void.
    pub decision_note: Option<String>,
    /// The backend's outcome, once done.
    pub outcome: Option<String>,
    pub done_at: Option<Timestamp>,
    /// When the last sending of a confirmed proposal began.
    pub send_started: Option<Timestamp>,
    /// How many times it was sent (1 after the confirmation; more after a cut-off).
    pub sends: i64,
}

/// What a timeline entry records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    Note,
    ProposalMade,
    ProposalConfirmed,
    ProposalDeclined,
    ProposalVoid,
    ProposalDone,
    /// A confirmed proposal whose sending was cut off, sent again.
    ProposalResent,
    ClaimTakenOver,
    /// A decision, a reveal, …: the kind given to [`TeamStore::record_event`].
    Event(String),
}

impl EntryKind {
    /// The stored name; [`TeamStore::record_event`] may not use the reserved ones.
    pub fn as_str(&self) -> &str {
        match self {
            EntryKind::Note => "note",
            EntryKind::ProposalMade => "proposal.made",
            EntryKind::ProposalConfirmed => "proposal.confirmed",
            EntryKind::ProposalDeclined => "proposal.declined",
            EntryKind::ProposalVoid => "proposal.void",
            EntryKind::ProposalDone => "proposal.done",
            EntryKind::ProposalResent => "proposal.resent",
            EntryKind::ClaimTakenOver => "claim.taken_over",
            EntryKind::Event(kind) => kind,
        }
    }

    fn parse(s: &str) -> EntryKind {
        match s {
            "note" => EntryKind::Note,
            "proposal.made" => EntryKind::ProposalMade,
            "proposal.confirmed" => EntryKind::ProposalConfirmed,
            "proposal.declined" => EntryKind::ProposalDeclined,
            "proposal.void" => EntryKind::ProposalVoid,
            "proposal.done" => EntryKind::ProposalDone,
            "proposal.resent" => EntryKind::ProposalResent,
            "claim.taken_over" => EntryKind::ClaimTakenOver,
            other => EntryKind::Event(other.to_string()),
        }
    }

    fn is_reserved(kind: &str) -> bool {
        !matches!(EntryKind::parse(kind), EntryKind::Event(_))
    }
}

/// One line of a subject's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: Timestamp,
    /// The operator's key; `None` for what the store records on its own (a void).
    pub who: Option<String>,
    pub who_name: Option<String>,
    pub host: Option<String>,
    pub kind: EntryKind,
    pub text: String,
    pub proposal: Option<Uuid>,
}

/// What went wrong. No text here holds a password or a URL with one.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error("the team store ({target}) cannot be reached: {message}")]
    Unreachable { target: String, message: String },
    #[error("the team store ({target}): {message}")]
    Store { target: String, message: String },
    #[error(
        "the team store ({target}) has schema version {found}, newer than this backoffice knows \
         ({known}): use a newer backoffice"
    )]
    SchemaTooNew {
        target: String,
        found: i64,
        known: i64,
    },
    #[error("the team store ({target}) could not be brought to schema version {known}: {message}")]
    Migration {
        target: String,
        known: i64,
        message: String,
    },
    /// The store's file cannot be used as it is (mode, symlink, directory).
    #[error("the team store file {}: {message}", path.display())]
    File { path: PathBuf, message: String },
    /// A connection setting is refused (no TLS to a remote server, a malformed URL).
    #[error("the team store: {0}")]
    Config(String),
    #[error(
        "a proposal cannot be decided by its maker: another operator must confirm or decline it"
    )]
    OwnProposal,
    #[error("proposal {id} is {status}, no longer open")]
    NotOpen { id: Uuid, status: ProposalStatus },
    #[error("proposal {id} is {status}, not confirmed")]
    NotConfirmed { id: Uuid, status: ProposalStatus },
    #[error("no proposal {0}")]
    NoSuchProposal(Uuid),
    /// A confirmed proposal whose last sending began less than the team's lease ago: that
    /// console may still be sending it.
    #[error(
        "proposal {id} is being sent by another console (started {}); it can be sent again \
         once that attempt is older than {} seconds",
        crate::format::datetime(Some(*since)),
        lease.as_secs()
    )]
    StillSending {
        id: Uuid,
        since: Timestamp,
        lease: std::time::Duration,
    },
    /// The record does not follow the store's last record for this operator and host.
    #[error(
        "the team store's audit copy for {os_user} on {host} ends with {}, and this record \
         chains to {prev}: the local log and the store differ (run `backoffice audit verify`)",
        last.as_deref().unwrap_or("nothing")
    )]
    AuditOutOfOrder {
        os_user: String,
        host: String,
        last: Option<String>,
        prev: String,
    },
    #[error("the team store: {0}")]
    Invalid(String),
}

impl TeamError {
    /// The store could not be reached (show it like a backend that is down).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, TeamError::Unreachable { .. })
    }
}

/// The longest note, reason or event text kept.
pub const TEXT_MAX: usize = 10_000;

#[derive(Clone)]
enum Engine {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// The team store: one of the two engines, with the same operations on both.
#[derive(Clone)]
pub struct TeamStore {
    engine: Engine,
    /// Where it is, for messages: a path, or `user@host:port/db` (never a password).
    target: std::sync::Arc<str>,
}

impl fmt::Debug for TeamStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TeamStore")
            .field("engine", &self.engine())
            .field("target", &self.target)
            .finish()
    }
}

/// The database's clock in microseconds since the Unix epoch, per engine: every time the store
/// compares or records is the database's own, so consoles whose clocks differ agree.
const SQLITE_NOW: &str = "CAST(ROUND(unixepoch('subsec') * 1000000) AS INTEGER)";
const PG_NOW: &str = "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT";

/// Runs `$body` with `$pool` bound to the engine's pool, `$now` to its clock expression and
/// `$begin` to the statement that opens a write transaction (SQLite takes the write lock at
/// once, so a transaction that reads first never fails to upgrade). The body is compiled once
/// per engine.
macro_rules! with_engine {
    ($store:expr, |$pool:ident, $now:ident, $begin:ident| $body:expr) => {
        match &$store.engine {
            $crate::team::Engine::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $now = $crate::team::SQLITE_NOW;
                #[allow(unused_variables)]
                let $begin = Some("BEGIN IMMEDIATE");
                $body
            }
            $crate::team::Engine::Postgres($pool) => {
                #[allow(unused_variables)]
                let $now = $crate::team::PG_NOW;
                #[allow(unused_variables)]
                let $begin: Option<&'static str> = None;
                $body
            }
        }
    };
}
pub(crate) use with_engine;

/// Opens a write transaction on either engine's pool.
macro_rules! begin {
    ($pool:expr, $begin:expr) => {
        match $begin {
            Some(statement) => $pool.begin_with(statement).await,
            None => $pool.begin().await,
        }
    };
}
pub(crate) use begin;

impl TeamStore {
    /// "SQLite" or "PostgreSQL".
    pub fn engine(&self) -> &'static str {
        match self.engine {
            Engine::Sqlite(_) => "SQLite",
            Engine::Postgres(_) => "PostgreSQL",
        }
    }

    /// Where the store is, for the status bar: a path, or `user@host:port/db`.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Closes the pool's connections (the store is unusable afterwards).
    pub async fn close(&self) {
        match &self.engine {
            Engine::Sqlite(p) => p.close().await,
            Engine::Postgres(p) => p.close().await,
        }
    }

    /// A database error as the store's error, its text free of secrets.
    fn err(&self, e: sqlx::Error) -> TeamError {
        let target = self.target.to_string();
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => TeamError::Unreachable {
                target,
                message: e.to_string(),
            },
            sqlx::Error::Database(db) => {
                let message = db.message().to_string();
                if db.constraint() == Some("proposal_checker_not_maker")
                    || message.contains("proposal_checker_not_maker")
                {
                    return TeamError::OwnProposal;
                }
                TeamError::Store { target, message }
            }
            other => TeamError::Store {
                target,
                message: other.to_string(),
            },
        }
    }
}

fn micros(us: i64) -> Result<Timestamp, TeamError> {
    Timestamp::from_microsecond(us)
        .map_err(|e| TeamError::Invalid(format!("a stored time is out of range: {e}")))
}

fn check_text(what: &str, text: &str) -> Result<(), TeamError> {
    if text.chars().count() > TEXT_MAX {
        return Err(TeamError::Invalid(format!(
            "{what} is longer than {TEXT_MAX} characters"
        )));
    }
    Ok(())
}

/// Reads columns by position the same way from either engine's row.
trait Cols {
    fn text(&self, i: usize) -> Result<String, sqlx::Error>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error>;
    fn int(&self, i: usize) -> Result<i64, sqlx::Error>;
    fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error>;
}

macro_rules! cols_for {
    ($row:ty) => {
        impl Cols for $row {
            fn text(&self, i: usize) -> Result<String, sqlx::Error> {
                sqlx::Row::try_get(self, i)
            }
            fn opt_text(&self, i: usize) -> Result<Option<String>, sqlx::Error> {
                sqlx::Row::try_get(self, i)
            }
            fn int(&self, i: usize) -> Result<i64, sqlx::Error> {
                sqlx::Row::try_get(self, i)
            }
            fn opt_int(&self, i: usize) -> Result<Option<i64>, sqlx::Error> {
                sqlx::Row::try_get(self, i)
            }
        }
    };
}
cols_for!(sqlx::sqlite::SqliteRow);
cols_for!(sqlx::postgres::PgRow);
