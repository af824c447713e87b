//! `R`: the full CPR of the view on top, after a reason, audited before it shows. Any view
//! with a CPR offers it through `Pane::revealable`; copying a revealed CPR is audited the
//! same way (see `copy`).

use super::action::{Call, Effect, Payload, RequestId};
use super::requests::start;
use super::state::{Overlay, State, ViewId};
use crate::audit::Event;

/// `R`: asks why, unless there is no CPR here to reveal.
pub fn ask(state: &mut State) {
    if state.top().kind.pane().revealable().is_some() {
        state.overlay = Overlay::Reveal {
            reason: Default::default(),
            error: None,
        };
    }
}

/// Enter in the reveal prompt: the runner writes the audit record, then the number shows.
pub fn confirm(state: &mut State) -> Vec<Effect> {
    let Overlay::Reveal { reason, error } = &mut state.overlay else {
        return Vec::new();
    };
    let why = reason.value().trim().to_string();
    if why.len() < 4 {
        *error = Some("Say why the full number is needed (a few words).".into());
        return Vec::new();
    }
    state.overlay = Overlay::None;
    let view = state.top().id;
    let Some(subject) = state.top().kind.pane().revealable() else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    audit_cpr(
        state,
        view,
        "cpr.reveal",
        subject.targets,
        subject.masked,
        why,
        &mut effects,
    );
    effects
}

/// Asks for the audit record of a full CPR shown or copied, for `view`; its answer comes back
/// to the request returned.
pub fn audit_cpr(
    state: &mut State,
    view: ViewId,
    action: &str,
    targets: Vec<String>,
    cpr_masked: Option<String>,
    reason: String,
    effects: &mut Vec<Effect>,
) -> RequestId {
    let audit = Event {
        backend: state.profile.backend.to_string(),
        action: action.into(),
        targets,
        cpr_masked,
        reason: Some(reason),
        correlation: uuid::Uuid::new_v4().to_string(),
    };
    start(
        state,
        view,
        Call::Reveal {
            audit: Box::new(audit),
        },
        effects,
    )
}

/// Writes the reveal's records (intent and done) before the number may show; a log that
/// cannot be written refuses it.
pub async fn perform(
    b: &super::backends::Backends,
    audit: Box<Event>,
) -> Result<Payload, crate::backends::BackendError> {
    use super::backends::audit_refusal;
    use crate::audit::Outcome;
    let log = b.audit.clone();
    let event = (*audit).clone();
    tokio::task::spawn_blocking(move || {
        log.append(&audit, Outcome::Intent)?;
        log.append(&audit, Outcome::Ok)
    })
    .await
    .map_err(|e| audit_refusal(e.to_string()))?
    .map_err(audit_refusal)?;
    b.audit.on_timeline(&event).await;
    Ok(Payload::Revealed)
}
