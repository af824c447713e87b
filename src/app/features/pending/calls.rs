//! The calls of `:pending`: the open proposals, a proposal's target as it is now, and the
//! checker's confirmation (which sends the change, once) or decline.

use crate::app::action::{self, Call as AnyCall};
use crate::app::backends::Backends;
use crate::app::team;
use crate::backends::BackendError;
use crate::team::{Proposal, ProposalStatus, TeamError};
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

    /// The audit record of a read of personal data (PCI DSS 10.2.1), written before it is
    /// sent; `None` for a change (audited as one) or what holds nobody's data.
    pub fn access(&self) -> Option<crate::audit::Event> {
        match self {
            // The target as it is now: a person's or an account's record.
            Call::Current(p) => Some(crate::audit::Event::read(
                &p.backend,
                "proposal-target.view",
                p.targets.clone(),
            )),
            Call::List | Call::Confirm(_) | Call::Decline { .. } => None,
        }
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
            let mut proposals = store.pending().await.map_err(team::error)?;
            // Confirmed ones whose sending was cut off: someone must send them again.
            proposals.extend(
                store
                    .unsent(b.team.resend_after)
                    .await
                    .map_err(team::error)?,
            );
            let mut rows: Vec<super::ProposalRow> = proposals
                .into_iter()
                .map(|p| super::ProposalRow {
                    mine: p.maker == me,
                    age: now.duration_since(p.made_at).unsigned_abs(),
                    proposal: p,
                })
                .collect();
            // Others' first: those are the ones this officer can act on; cut-off sendings
            // before open proposals; oldest first within.
            rows.sort_by_key(|r| {
                (
                    r.mine,
                    r.proposal.status != ProposalStatus::Confirmed,
                    r.proposal.made_at,
                )
            });
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
/// the maker's version, audited in the checker's log. A proposal confirmed before whose
/// sending was cut off is sent again ([`resend`]).
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
    if p.status == ProposalStatus::Confirmed {
        return resend(b, p, send).await;
    }
    let call = match proposed_change(store, &p).await? {
        Ok(call) => call,
        Err(void) => return Ok(void),
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
        return void(store, &p, why).await;
    }
    store.confirm(id, &b.team.me).await.map_err(team::error)?;
    let maker = p.maker_name.as_deref().unwrap_or(&p.maker);
    let why = format!("four-eyes: confirms proposal {id} of {maker}");
    send_confirmed(b, &p, call, why, send).await
}

/// A confirmed proposal whose sending was cut off (its checker's console died or lost the
/// store before the outcome was recorded), sent again by this console once the last attempt
/// is older than the team's lease: the store lets one console take it over. A change whose
/// version its backend checks (a document's) goes again as it was: the backend answers a
/// repeat of the same idempotency key with its first answer, and someone else's change with
/// "changed". For a record compared by fingerprint, a record that moved cannot tell the first
/// sending's change from someone else's, so nothing is sent and the proposal is void, saying so.
pub async fn resend(b: &Backends, p: Proposal, send: Sender) -> Result<Payload, BackendError> {
    let store = b.team.store().await?;
    // The sending is this console's from here: no other sends it meanwhile.
    let p = store
        .resend(p.id, &b.team.me, b.team.resend_after)
        .await
        .map_err(team::error)?;
    let call = match proposed_change(store, &p).await? {
        Ok(call) => call,
        Err(void) => return Ok(void),
    };
    if call.seen_version().is_none()
        && !p.seen_version.is_empty()
        && let Some(now) = current(b, &p).await?
        && now.version != p.seen_version
    {
        let why = format!(
            "not sent again: the target changed since the proposal (now: {}); the cut-off \
             sending may have made this change, so check the record",
            now.state
        );
        return void(store, &p, why).await;
    }
    let maker = p.maker_name.as_deref().unwrap_or(&p.maker);
    let checker = p
        .checker_name
        .as_deref()
        .or(p.checker.as_deref())
        .unwrap_or("-");
    let why = format!(
        "four-eyes: sends again proposal {} of {maker}, confirmed by {checker} (attempt {})",
        p.id, p.sends
    );
    send_confirmed(b, &p, call, why, send).await
}

/// The change a proposal holds; a payload this console cannot read makes the proposal void.
async fn proposed_change(
    store: &crate::team::TeamStore,
    p: &Proposal,
) -> Result<Result<AnyCall, Payload>, BackendError> {
    match serde_json::from_value(p.payload.clone()) {
        Ok(c) => Ok(Ok(c)),
        Err(e) => {
            let why = format!("this console cannot read the proposed change ({e})");
            void(store, p, why).await.map(Err)
        }
    }
}

async fn void(
    store: &crate::team::TeamStore,
    p: &Proposal,
    why: String,
) -> Result<Payload, BackendError> {
    store.void(p.id, &why).await.map_err(team::error)?;
    Ok(Payload::Confirmed {
        outcome: why,
        void: true,
    })
}

/// Sends a confirmed proposal's change with its idempotency key, audited in this console's
/// log with `why` (and the maker's reason), and records the outcome on the proposal.
async fn send_confirmed(
    b: &Backends,
    p: &Proposal,
    mut call: AnyCall,
    why: String,
    send: Sender,
) -> Result<Payload, BackendError> {
    let store = b.team.store().await?;
    let key = p.idempotency_key.to_string();
    call.rekey(&key);
    if let Some(event) = call.audit_mut() {
        event.reason = Some(match &p.reason {
            Some(r) => format!("{why}: {r}"),
            None => why,
        });
        event.correlation = key;
    }
    // Confirmed, so no other console sends it while this one does: whatever happens next is
    // recorded on it.
    match send(b, call).await {
        Ok(_) => {
            store.finish(p.id, "done").await.map_err(team::error)?;
            Ok(Payload::Confirmed {
                outcome: "sent and done".into(),
                void: false,
            })
        }
        Err(e) if e.code().is_some_and(|c| STALE.contains(&c)) => {
            void(
                store,
                p,
                format!("the target changed since the proposal: {e}"),
            )
            .await
        }
        Err(e) => {
            let _ = store.finish(p.id, &format!("failed: {e}")).await;
            Err(e)
        }
    }
}
