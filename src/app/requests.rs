//! Request bookkeeping: every backend call is started here with a request id tied to the view
//! that waits for it; cancelling forgets it (its answer is then dropped), and closing views
//! cancels what they wait for.

use super::action::{Call, Effect, Payload, RequestId};
use super::features::ViewKind;
use super::state::{Health, InFlight, SLOW_AFTER, State, ViewId};
use crate::backends::BackendError;

/// Registers a call and returns its request id.
/// A change the profile lists in `four_eyes` leaves as its proposal instead
/// ([`super::four_eyes::route`]).
pub fn start(state: &mut State, view: ViewId, call: Call, effects: &mut Vec<Effect>) -> RequestId {
    let call = super::four_eyes::route(state, call);
    let req = state.next_id();
    state.requests.insert(
        req,
        InFlight {
            view,
            started: state.now,
            what: call.describe(),
            backend: call.backend(),
        },
    );
    effects.push(Effect::Call { req, call });
    req
}

/// Asks for the next page of `view`'s list, with the call `next` makes from the view (`None`:
/// no page is wanted now), and marks the list as loading it.
pub fn load_page(
    state: &mut State,
    view: ViewId,
    next: impl FnOnce(&ViewKind) -> Option<Call>,
) -> Vec<Effect> {
    let Some(call) = state
        .views
        .iter()
        .find(|v| v.id == view)
        .and_then(|v| next(&v.kind))
    else {
        return Vec::new();
    };
    let mut effects = Vec::new();
    let req = start(state, view, call, &mut effects);
    if let Some(l) = state.view_mut(view).and_then(|v| v.kind.pane_mut().list()) {
        l.loading(req);
    }
    effects
}

/// Forgets a request and aborts its task.
pub fn cancel(state: &mut State, req: RequestId, effects: &mut Vec<Effect>) {
    state.requests.remove(&req);
    super::features::notes::cancelled(state, req);
    effects.push(Effect::Cancel(req));
}

/// Cancels a request a newer one replaces (a page of a list sorted anew, say).
pub fn supersede(state: &mut State, old: Option<RequestId>, effects: &mut Vec<Effect>) {
    if let Some(r) = old {
        cancel(state, r, effects);
    }
}

/// The requests the view `view` waits for.
pub fn of_view(state: &State, view: ViewId) -> Vec<RequestId> {
    state
        .requests
        .iter()
        .filter(|(_, r)| r.view == view)
        .map(|(id, _)| *id)
        .collect()
}

/// Cancels every request of the views from `keep` up, and sends what they send as they close
/// (the caller closes them).
pub fn cancel_views_above(state: &mut State, keep: usize) -> Vec<Effect> {
    let mut effects = closing(state, keep);
    let ids: Vec<ViewId> = state.views.iter().skip(keep).map(|v| v.id).collect();
    let reqs: Vec<RequestId> = state
        .requests
        .iter()
        .filter(|(_, r)| ids.contains(&r.view))
        .map(|(id, _)| *id)
        .collect();
    for r in reqs {
        cancel(state, r, &mut effects);
    }
    effects
}

/// What the views from `keep` up send as they close; no view waits for the answers.
pub fn closing(state: &mut State, keep: usize) -> Vec<Effect> {
    let calls: Vec<Call> = state
        .views
        .iter()
        .skip(keep)
        .filter_map(|v| v.kind.pane().closing())
        .collect();
    calls
        .into_iter()
        .map(|call| Effect::Call {
            req: state.next_id(),
            call,
        })
        .collect()
}

/// Goes back to the open view that `is` matches, closing those above it; `None` when there
/// is none (open a new one then). Lists are reused rather than stacked twice.
pub fn return_to(state: &mut State, is: impl Fn(&ViewKind) -> bool) -> Option<Vec<Effect>> {
    let pos = state.views.iter().position(|v| is(&v.kind))?;
    let effects = cancel_views_above(state, pos + 1);
    state.views.truncate(pos + 1);
    Some(effects)
}

/// What an answer says about its backend: a refusal still means the backend is up. `None`:
/// nothing was asked (no password typed yet), so nothing is learnt.
pub fn health_after(
    result: &Result<Payload, BackendError>,
    took: std::time::Duration,
) -> Option<Health> {
    Some(match result {
        Err(BackendError::LoginNeeded { .. }) => return None,
        Err(BackendError::Unauthorized { .. }) => Health::AuthFailed,
        Err(BackendError::Throttled { .. }) => Health::Throttled,
        Err(e) if e.backend_down() => Health::Down,
        Err(BackendError::Malformed { .. }) => Health::Failing,
        _ if took >= SLOW_AFTER => Health::Slow,
        _ => Health::Ok,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn an_answer_that_cannot_be_used_marks_its_backend_failing_and_a_500_down() {
        let fast = Duration::from_millis(5);
        let unreadable = BackendError::Malformed {
            backend: "bunq",
            request_id: "r".into(),
            detail: "the signature is missing".into(),
        };
        assert_eq!(health_after(&Err(unreadable), fast), Some(Health::Failing));
        let crashed = BackendError::Http {
            backend: "bunq",
            request_id: "r".into(),
            status: 500,
        };
        assert_eq!(health_after(&Err(crashed), fast), Some(Health::Down));
        let refused = BackendError::Rejected {
            backend: "bunq",
            request_id: "r".into(),
            messages: vec!["no".into()],
            code: None,
        };
        assert_eq!(health_after(&Err(refused), fast), Some(Health::Ok));
        // Nothing was sent before the first login: the backend is not said to refuse.
        let first = BackendError::LoginNeeded {
            backend: "Healthmov",
        };
        assert_eq!(health_after(&Err(first), fast), None);
    }
}
