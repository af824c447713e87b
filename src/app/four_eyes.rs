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

/// The subject a change is about, for the timeline: its backend and what it acts on (a
/// document rather than its person, an employee rather than their company, else the first
/// target: a user rather than their email).
pub fn subject_of(event: &crate::audit::Event) -> String {
    let target = event
        .targets
        .iter()
        .find(|t| t.starts_with("document:"))
        .or_else(|| event.targets.iter().find(|t| t.starts_with("employee:")))
        .or(event.targets.first())
        .map(String::as_str)
        .unwrap_or("-");
    format!("{}:{target}", event.backend)
}

/// A proposal's target as the checker sees it beside the proposal: its state in words and
/// its version (a document's version, or a fingerprint of the record as the backend has it).
#[derive(Debug, Clone, PartialEq)]
pub struct Current {
    pub state: String,
    pub version: String,
}

/// The backend a proposal's target is read back from, for the status bar; `None` where this
/// console does not read it back (a record being created has none yet; Healthmov's companies
/// and departments are only created).
pub fn reader(action: &str) -> Option<&'static str> {
    match action.split('.').next() {
        Some("employee") if !matches!(action, "employee.onboard" | "employee.create") => {
            Some(crate::backends::healthmov::NAME)
        }
        Some("dependent") => Some(crate::backends::healthmov::NAME),
        Some("legitimation") => Some(crate::backends::unioo::NAME),
        Some("bank-user") => Some(crate::backends::bunq::NAME),
        Some("end-user") if action != "end-user.create" => Some(crate::backends::upvest::NAME),
        Some("platform-user") if action != "platform-user.create" => {
            Some(crate::backends::vasco::NAME)
        }
        _ => None,
    }
}

/// The id a target names after `prefix` (`document:` → the document's id).
fn target<T: std::str::FromStr>(targets: &[String], prefix: &str) -> Option<T> {
    targets
        .iter()
        .find_map(|t| t.strip_prefix(prefix))
        .and_then(|s| s.parse().ok())
}

/// A record's fingerprint: the SHA-256 of its fields as the backend gave them. Any change to
/// any field gives another.
fn fingerprint(record: &impl serde::Serialize) -> String {
    let bytes = serde_json::to_vec(record).unwrap_or_default();
    crate::audit::sha256_hex(&bytes)
}

/// The target of a change as its backend has it now, where this console can read it back:
/// a legitimation document (its state and version), a bunq user, an Upvest end user, a VASCO
/// platform user, a Healthmov employee (with their dependents). `None` for the others.
pub async fn current(
    b: &Backends,
    action: &str,
    targets: &[String],
) -> Result<Option<Current>, BackendError> {
    match reader(action) {
        Some(r) if r == crate::backends::unioo::NAME => {
            let (Some(user), Some(document)) = (
                target::<uuid::Uuid>(targets, "user:"),
                target::<uuid::Uuid>(targets, "document:"),
            ) else {
                return Ok(None);
            };
            let person = b.people.person(user).await?;
            let doc = person.as_ref().and_then(|p| {
                [
                    p.photo_legitimation.as_ref(),
                    p.social_security_card.as_ref(),
                ]
                .into_iter()
                .flatten()
                .find(|d| d.id == Some(document))
                .cloned()
            });
            Ok(Some(match doc {
                Some(d) => Current {
                    state: d.state.label().to_uppercase(),
                    version: d.version.map(|v| v.to_string()).unwrap_or_default(),
                },
                None => Current {
                    state: "not found".into(),
                    version: String::new(),
                },
            }))
        }
        Some(r) if r == crate::backends::bunq::NAME => {
            let Some(id) = target::<u64>(targets, "bunq-user:") else {
                return Ok(None);
            };
            let user = b.bunq()?.bank_user(id).await?;
            Ok(Some(Current {
                state: format!("{} / {}", user.status, user.sub_status),
                version: fingerprint(&user),
            }))
        }
        Some(r) if r == crate::backends::upvest::NAME => {
            let Some(id) = target::<String>(targets, "upvest-user:") else {
                return Ok(None);
            };
            let detail = b.upvest()?.end_user(id).await?;
            Ok(Some(Current {
                state: detail.user.status.clone(),
                version: fingerprint(&detail.user),
            }))
        }
        Some(r) if r == crate::backends::vasco::NAME => {
            let Some(id) = target::<String>(targets, "vasco-user:") else {
                return Ok(None);
            };
            let user = b.vasco()?.platform_user(id).await?;
            Ok(Some(Current {
                state: user.state.label().to_string(),
                version: fingerprint(&user),
            }))
        }
        Some(r) if r == crate::backends::healthmov::NAME => {
            let Some(at) = crate::core::EmployeeAt::from_targets(targets).filter(|a| a.readable())
            else {
                return Ok(None);
            };
            let now = crate::backends::healthmov::employee_at(&**b.healthmov()?, &at).await?;
            Ok(Some(match now {
                Some(e) => Current {
                    state: employee_state(&e),
                    version: fingerprint(&e),
                },
                None => Current {
                    state: "not found".into(),
                    version: String::new(),
                },
            }))
        }
        _ => Ok(None),
    }
}

/// A Healthmov employee's state in words, without their name (it is kept in the store when a
/// proposal is void): access, offboarding date, dependents.
fn employee_state(e: &crate::core::ClientEmployee) -> String {
    let access = if e.has_access { "access" } else { "no access" };
    let until = e
        .offboarding
        .map(|d| format!(" until {d}"))
        .unwrap_or_default();
    let n = e.dependents.len();
    format!(
        "{access}{until} · {n} dependent{}",
        if n == 1 { "" } else { "s" }
    )
}

/// Records the proposal (audited in the maker's log as `proposal.make`) instead of sending.
pub async fn propose(b: &Backends, mut call: Call) -> Result<Payload, BackendError> {
    let Some(event) = call.audit_mut().map(|e| e.clone()) else {
        return Err(refusal("only a change can be proposed"));
    };
    // The version the maker saw: the change's own (a document's), else the record as its
    // backend has it at this moment, so a change to it before the confirmation voids this.
    let seen_version = match call.seen_version() {
        Some(v) => v,
        None => current(b, &event.action, &event.targets)
            .await?
            .map(|c| c.version)
            .unwrap_or_default(),
    };
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
