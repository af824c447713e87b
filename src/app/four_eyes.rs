//! Four-eyes: a change the profile lists in `four_eyes` is not sent by the officer who makes
//! it. Decided here, in one place for every change: the call is turned into a proposal in the
//! team store, and a second officer's console sends it once confirmed (`:pending`).

use super::action::{Call, Payload};
use super::backends::{Backends, audited};
use super::state::State;
use super::team;
use crate::backends::BackendError;
use crate::team::NewProposal;

/// The changes a profile's `four_eyes` may name: every change the console makes except the
/// CSV import (thousands of rows; its file stays on the maker's machine).
pub const ACTIONS: &[&str] = &[
    "legitimation.approve",
    "legitimation.reject",
    "bank-user.block",
    "bank-user.status",
    "bank-user.edit",
    "end-user.create",
    "end-user.offboard",
    "end-user.data-change",
    "platform-user.create",
    "platform-user.activate",
    "platform-user.deactivate",
    "platform-user.group",
    "platform-user.update",
    "employee.create",
    "company.create",
    "company.upsert",
    "department.create",
    "employee.onboard",
    "employee.update",
    "employee.offboard",
    "dependent.save",
];

/// `call` as it leaves the console: a change that needs a second officer becomes its
/// proposal; everything else is itself.
pub fn route(state: &State, mut call: Call) -> Call {
    let needs = call
        .audit_mut()
        .is_some_and(|e| state.profile.needs_four_eyes(&e.action));
    if needs {
        Call::Propose(Box::new(call))
    } else {
        call
    }
}

/// The subject a change is about, for the timeline: its backend and its last target (a
/// document rather than its person).
pub fn subject_of(event: &crate::audit::Event) -> String {
    let target = event.targets.last().map(String::as_str).unwrap_or("-");
    format!("{}:{target}", event.backend)
}

/// Records the proposal (audited in the maker's log as `proposal.make`) instead of sending.
pub async fn propose(b: &Backends, mut call: Call) -> Result<Payload, BackendError> {
    let Some(event) = call.audit_mut().map(|e| e.clone()) else {
        return Err(refusal("only a change can be proposed"));
    };
    let seen_version = call.seen_version().unwrap_or_default();
    let payload = serde_json::to_value(&call)
        .map_err(|e| refusal(&format!("this change cannot be proposed ({e})")))?;
    let store = b.team.store().await?;
    let proposal = NewProposal {
        action: event.action.clone(),
        backend: event.backend.clone(),
        targets: event.targets.clone(),
        subject: subject_of(&event),
        seen_version,
        reason: event.reason.clone(),
        payload,
        maker: b.team.me.clone(),
    };
    let record = crate::audit::Event {
        action: "proposal.make".into(),
        reason: Some(match &event.reason {
            Some(r) => format!("{} (four-eyes): {r}", event.action),
            None => format!("{} (four-eyes)", event.action),
        }),
        ..event
    };
    let made = audited(&b.audit, &record, async {
        store.propose(proposal).await.map_err(team::error)
    })
    .await?;
    Ok(Payload::Proposed(Box::new(made)))
}

fn refusal(why: &str) -> BackendError {
    BackendError::Local {
        what: "Four-eyes",
        detail: why.to_string(),
    }
}
