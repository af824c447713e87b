//! The team store as the console's calls reach it. It is opened on first use, in a call like
//! any other: an unreachable PostgreSQL shows in the status bar as "Team store" down and never
//! holds up the first frame or a key. A failed opening is tried again by the next call.

use crate::backends::BackendError;
use crate::team::{Operator, TeamError, TeamStore};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The name the status bar and messages give the store.
pub const NAME: &str = "Team store";

/// How long one attempt to open the store may take before the call reports it unreachable.
const OPEN_TIMEOUT: Duration = Duration::from_secs(10);

type Opening = Pin<Box<dyn Future<Output = Result<TeamStore, String>> + Send>>;

/// The store, opened once on first use, and who this console is in it.
#[derive(Clone)]
pub struct Team {
    cell: Arc<tokio::sync::OnceCell<TeamStore>>,
    open: Arc<dyn Fn() -> Opening + Send + Sync>,
    /// This console's operator: claims, proposals and notes are theirs.
    pub me: Operator,
    /// How long a claim lasts without renewal.
    pub claim_ttl: Duration,
    /// How long a confirmed proposal's sending may run before another console may send it
    /// again (its checker's console was cut off): longer than any one sending with retries.
    pub resend_after: Duration,
}

/// The default of [`Team::resend_after`]: a sending's timeouts and retries end well before.
pub const RESEND_AFTER: Duration = Duration::from_secs(120);

impl std::fmt::Debug for Team {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Team").field("me", &self.me).finish()
    }
}

impl Team {
    /// A store that `open` opens on first use.
    pub fn new<F, Fut>(me: Operator, claim_ttl: Duration, open: F) -> Team
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<TeamStore, String>> + Send + 'static,
    {
        Team {
            cell: Arc::new(tokio::sync::OnceCell::new()),
            open: Arc::new(move || Box::pin(open())),
            me,
            claim_ttl,
            resend_after: RESEND_AFTER,
        }
    }

    /// The SQLite store at `path`.
    pub fn sqlite(me: Operator, claim_ttl: Duration, path: std::path::PathBuf) -> Team {
        Team::new(me, claim_ttl, move || {
            let path = path.clone();
            async move {
                TeamStore::open_sqlite(&path)
                    .await
                    .map_err(|e| e.to_string())
            }
        })
    }

    /// A store that cannot be opened, for `why` (no data directory, a bad setting).
    pub fn unavailable(me: Operator, why: String) -> Team {
        Team::new(me, Duration::from_secs(15 * 60), move || {
            let why = why.clone();
            async move { Err(why) }
        })
    }

    /// The store, opening it when this is the first use (or the last opening failed).
    pub async fn store(&self) -> Result<&TeamStore, BackendError> {
        self.cell
            .get_or_try_init(|| async {
                match tokio::time::timeout(OPEN_TIMEOUT, (self.open)()).await {
                    Ok(opened) => opened,
                    Err(_) => Err(format!(
                        "it did not open within {} s",
                        OPEN_TIMEOUT.as_secs()
                    )),
                }
            })
            .await
            .map_err(|detail| BackendError::Unreachable {
                backend: NAME,
                request_id: "-".into(),
                detail: crate::sanitize::line(&detail).into_owned(),
            })
    }

    /// The store when it is already open (for work that must not wait for an opening).
    pub fn opened(&self) -> Option<&TeamStore> {
        self.cell.get()
    }
}

/// A store error as the console reports a backend's: unreachable is "down", the rest are
/// the store refusing.
pub fn error(e: TeamError) -> BackendError {
    if e.is_unreachable() {
        return BackendError::Unreachable {
            backend: NAME,
            request_id: "-".into(),
            detail: crate::sanitize::line(&e.to_string()).into_owned(),
        };
    }
    let code = match &e {
        TeamError::OwnProposal => "OWN_PROPOSAL",
        TeamError::NotOpen { .. } | TeamError::NotConfirmed { .. } => "PROPOSAL_NOT_OPEN",
        TeamError::NoSuchProposal(_) => "NO_SUCH_PROPOSAL",
        TeamError::StillSending { .. } => "PROPOSAL_SENDING",
        TeamError::AuditOutOfOrder { .. } => "AUDIT_OUT_OF_ORDER",
        _ => "TEAM_STORE",
    };
    BackendError::Rejected {
        backend: NAME,
        request_id: "-".into(),
        messages: vec![crate::sanitize::line(&e.to_string()).into_owned()],
        code: Some(code.into()),
    }
}
