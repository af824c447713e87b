//! The calls of `:pending`: the open proposals, a proposal's target as it is now, and the
//! checker's confirmation (which sends the change, once) or decline.

use crate::app::action::{self, Call as AnyCall};
use crate::app::backends::Backends;
use crate::app::team;
use crate::backends::BackendError;
use crate::team::{Proposal, TeamError};
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Call {
    /// The open proposals.
    #[serde(skip)]
    List,
    /// The target of a proposal as it is now.
    #[serde(skip)]
    Current(Box<Proposal>),
    /// The checker confirms: the change is sent with the proposal's idempotency key.
    #[serde(skip)]
    Confirm(Uuid),
    /// The checker declines, with a reason.
    #[serde(skip)]
    Decline { id: Uuid, reason: String },
}

pub use crate::app::four_eyes::Current;

#[derive(Debug)]
pub enum Payload {
    List(Vec<super::ProposalRow>),
    Current(Option<Current>),
    /// The change was sent and done (the outcome), or the proposal is void (why).
    Confirmed {
        outcome: String,
        void: bool,
    },
    Declined,
}

impl Call {
    /// Proposals hold changes but are none themselves.
    pub fn audit_mut(&mut self) -> Option<&mut crate::audit::Event> {
        None
    }

    pub fn rekey(&mut self, key: &str) {
        let _ = key;
    }

    pub fn seen_version(&self) -> Option<String> {
        None
    }

    /// A confirmation or decline is carried through once started: Esc stops waiting for it
    /// but does not cut it off between the store's record and the change it sends.
    pub fn outlives_quit(&self) -> bool {
        matches!(self, Call::Confirm(_) | Call::Decline { .. })
    }

    pub fn describe(&self) -> &'static str {
        match self {
            Call::List => "loading proposals",
            Call::Current(_) => "reading the target",
            Call::Confirm(_) => "confirming and sending",
            Call::Decline { .. } => "declining",
        }
    }

    pub fn backend(&self) -> Option<&'static str> {
        match self {
            Call::Current(p) => crate::app::four_eyes::reader(&p.action),
            _ => Some(team::NAME),
        }
    }
}

/// What a confirmation sends the change with: the runner's own routing.
pub type Sender = Box<
    dyn for<'b> Fn(
            &'b Backends,
            AnyCall,
        ) -> Pin<
            Box<dyn Future<Output = Result<action::Payload, BackendError>> + Send + 'b>,
        > + Send
        + Sync,
>;

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    let store = b.team.store().await?;
    Ok(match call {
        Call::List => {
            let now = jiff::Timestamp::now();
            let me = b.team.me.key();
            let mut rows: Vec<super::ProposalRow> = store
                .pending()
                .await
                .map_err(team::error)?
                .into_iter()
                .map(|p| super::ProposalRow {
                    mine: p.maker == me,
                    age: now.duration_since(p.made_at).unsigned_abs(),
                    proposal: p,
                })
                .collect();
            // Others' first: those are the ones this officer can act on; oldest first within.
            rows.sort_by_key(|r| (r.mine, r.proposal.made_at));
            Payload::List(rows)
        }
        Call::Current(p) => Payload::Current(current(b, &p).await?),
        Call::Decline { id, reason } => {
            let p = store
                .proposal(id)
                .await
                .map_err(team::error)?
                .ok_or_else(|| team::error(TeamError::NoSuchProposal(id)))?;
            // Audited like a change: the intent is on record before the store is told.
            let event = checker_event(&p, "proposal.decline", Some(reason.clone()));
            let declining = async {
                store
                    .decline(id, &b.team.me, &reason)
                    .await
                    .map_err(team::error)
            };
            crate::app::backends::audited(&b.audit, &event, declining).await?;
            Payload::Declined
        }
        Call::Confirm(_) => {
            return Err(BackendError::Local {
                what: "Four-eyes",
                detail: "a confirmation is sent by the runner".into(),
            });
        }
    })
}

/// The proposal's target as its backend has it now.
async fn current(b: &Backends, p: &Proposal) -> Result<Option<Current>, BackendError> {
    crate::app::four_eyes::current(b, &p.action, &p.targets).await
}

/// The checker's own audit record of a step on a proposal.
fn checker_event(p: &Proposal, action: &str, reason: Option<String>) -> crate::audit::Event {
    crate::audit::Event {
        backend: p.backend.clone(),
        action: action.into(),
        targets: p
            .targets
            .iter()
            .cloned()
            .chain([format!("proposal:{}", p.id)])
            .collect(),
        reason,
        correlation: p.idempotency_key.to_string(),
        ..Default::default()
    }
}

/// A version as words can show it: a record's fingerprint by its first 12 characters.
fn short(v: &str) -> &str {
    v.get(..12).unwrap_or(v)
}

/// Codes that mean the target is no longer what the maker saw.
const STALE: [&str; 3] = ["DOCUMENT_CHANGED", "ALREADY_DECIDED", "DOCUMENT_EXPIRED"];

/// The checker confirms proposal `id`: a target that moved on since the maker saw it makes the
/// proposal void; else the store records the confirmation (never by the maker: the store
/// refuses) and this console sends the change, once, with the proposal's idempotency key and
/// the maker's version, audited in the checker's log.
pub async fn confirm(b: &Backends, id: Uuid, send: Sender) -> Result<Payload, BackendError> {
    let store = b.team.store().await?;
    let p = store
        .proposal(id)
        .await
        .map_err(team::error)?
        .ok_or_else(|| team::error(TeamError::NoSuchProposal(id)))?;
    if p.maker == b.team.me.key() {
        return Err(team::error(TeamError::OwnProposal));
    }
    let mut call: AnyCall = match serde_json::from_value(p.payload.clone()) {
        Ok(c) => c,
        Err(e) => {
            let why = format!("this console cannot read the proposed change ({e})");
            store.void(id, &why).await.map_err(team::error)?;
            return Ok(Payload::Confirmed {
                outcome: why,
                void: true,
            });
        }
    };
    if let Some(now) = current(b, &p).await?
        && !p.seen_version.is_empty()
        && now.version != p.seen_version
    {
        let why = format!(
            "the target changed since the proposal (version {} then, {} now: {})",
            short(&p.seen_version),
            short(&now.version),
            now.state
        );
        store.void(id, &why).await.map_err(team::error)?;
        return Ok(Payload::Confirmed {
            outcome: why,
            void: true,
        });
    }
    store.confirm(id, &b.team.me).await.map_err(team::error)?;
    let key = p.idempotency_key.to_string();
    call.rekey(&key);
    if let Some(event) = call.audit_mut() {
        let maker = p.maker_name.as_deref().unwrap_or(&p.maker);
        event.reason = Some(match &p.reason {
            Some(r) => format!("four-eyes: confirms proposal {id} of {maker}: {r}"),
            None => format!("four-eyes: confirms proposal {id} of {maker}"),
        });
        event.correlation = key;
    }
    // Confirmed, so no other console sends it: whatever happens next is recorded on it.
    match send(b, call).await {
        Ok(_) => {
            store.finish(id, "done").await.map_err(team::error)?;
            Ok(Payload::Confirmed {
                outcome: "sent and done".into(),
                void: false,
            })
        }
        Err(e) if e.code().is_some_and(|c| STALE.contains(&c)) => {
            let why = format!("the target changed since the proposal: {e}");
            store.void(id, &why).await.map_err(team::error)?;
            Ok(Payload::Confirmed {
                outcome: why,
                void: true,
            })
        }
        Err(e) => {
            let _ = store.finish(id, &format!("failed: {e}")).await;
            Err(e)
        }
    }
}
