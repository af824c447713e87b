//! Keys and results for an open form (see `form` for the form itself). Free of I/O.

use super::action::{Effect, Payload, RequestId};
use super::form::{FormKind, Stage};
use super::pane::Feature;
use super::state::*;
use crate::backends::BackendError;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

pub fn on_key(state: &mut State, key: KeyEvent, feature: &dyn Feature) -> Vec<Effect> {
    let today = state.today;
    let Overlay::Form(form) = &mut state.overlay else {
        return Vec::new();
    };
    form.today = Some(today);
    if form.sending.is_some() {
        // Waiting for the backend: nothing to edit meanwhile.
        return Vec::new();
    }
    match (form.stage, key.code) {
        (Stage::DiscardAsked, KeyCode::Char('y')) => state.overlay = Overlay::None,
        (Stage::DiscardAsked, _) => form.stage = Stage::Editing,
        (Stage::Confirming, KeyCode::Enter) => return send(state, feature),
        // A form with nothing to type is only a question: Esc answers no.
        (Stage::Confirming, KeyCode::Esc) if form.fields.is_empty() => {
            state.overlay = Overlay::None
        }
        (Stage::Confirming, KeyCode::Esc) => form.stage = Stage::Editing,
        (Stage::Confirming, _) => {}
        (Stage::Editing, KeyCode::Esc) if form.has_input() => form.stage = Stage::DiscardAsked,
        (Stage::Editing, KeyCode::Esc) => state.overlay = Overlay::None,
        (Stage::Editing, KeyCode::Tab | KeyCode::Down) => form.move_focus(true),
        (Stage::Editing, KeyCode::BackTab | KeyCode::Up) => form.move_focus(false),
        (Stage::Editing, KeyCode::Enter) => {
            form.error = None;
            if form.validate_all() {
                form.stage = Stage::Confirming;
            }
        }
        (Stage::Editing, _) => {
            let field = &mut form.fields[form.focus];
            if field.input.handle_event(&TermEvent::Key(key)).is_some() {
                field.error = None;
            }
        }
    }
    Vec::new()
}

/// Whether the open form's change goes to a second officer (the profile's `four_eyes`), so
/// its confirm step says so rather than "sends": the call it would make, as Enter makes it.
pub fn note_proposal(state: &mut State) {
    // Only the confirm step says it; editing keys need no call built.
    let Overlay::Form(form) = &state.overlay else {
        return;
    };
    if form.stage != Stage::Confirming {
        return;
    }
    let feature = state.top().kind.feature();
    let proposes = feature
        .submit(state, form)
        .ok()
        .and_then(|mut call| {
            call.audit_mut()
                .map(|e| state.profile.needs_four_eyes(&e.action))
        })
        .unwrap_or(false);
    if let Overlay::Form(form) = &mut state.overlay {
        form.proposes = proposes;
    }
}

/// Enter on the confirm step: the feature makes the call; the runner audits, then sends.
fn send(state: &mut State, feature: &dyn Feature) -> Vec<Effect> {
    let view = state.top().id;
    let Overlay::Form(form) = &state.overlay else {
        return Vec::new();
    };
    let call = match feature.submit(state, form) {
        Ok(call) => call,
        Err(why) => {
            if let Overlay::Form(form) = &mut state.overlay {
                form.stage = Stage::Editing;
                form.error = Some(why);
            }
            return Vec::new();
        }
    };
    let mut effects = Vec::new();
    let req = super::requests::start(state, view, call, &mut effects);
    if let Overlay::Form(form) = &mut state.overlay {
        form.sending = Some(req);
    }
    effects
}

/// The backend's answer: success closes the form and lets the feature show the change; a
/// refusal goes back to editing with the reason, keeping what was typed.
pub fn on_loaded(
    state: &mut State,
    view: ViewId,
    req: RequestId,
    result: Result<Payload, BackendError>,
    feature: &dyn Feature,
) -> Vec<Effect> {
    match result {
        Ok(payload) => {
            state.overlay = Overlay::None;
            feature.on_loaded(state, view, req, Ok(payload))
        }
        Err(e) => {
            let login = e.wants_login();
            if let Overlay::Form(form) = &mut state.overlay {
                // Refused: nothing went in, so the next try is a new request with a new key.
                // (After a timeout the key stays: the first try may have gone in.)
                if matches!(e, BackendError::Rejected { .. })
                    && let FormKind::EndUser(
                        super::form::EndUserForm::Create { idempotency_key }
                        | super::form::EndUserForm::RequestChange {
                            idempotency_key, ..
                        },
                    ) = &mut form.kind
                {
                    *idempotency_key = uuid::Uuid::new_v4().to_string();
                }
                form.sending = None;
                form.stage = Stage::Editing;
                form.error = Some(if login {
                    "Not sent: log in first, then press Enter to send again.".into()
                } else {
                    e.to_string()
                });
            }
            if login {
                state.ask_login(view, &e);
            }
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::action::{Action, Call};
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crate::core::{Employee, Page};

    fn employees() -> State {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, _) = call_req(&key(&mut s, KeyCode::Char('e')));
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Staff(
                    crate::app::features::staff::calls::Payload::Page(Page {
                        items: vec![],
                        total: 0,
                        next_cursor: None,
                    }),
                )),
            },
        );
        s
    }

    fn form(s: &State) -> &crate::app::form::Form {
        match &s.overlay {
            Overlay::Form(f) => f,
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn create_an_employee_through_the_form() {
        let mut s = employees();
        key(&mut s, KeyCode::Char('n'));
        type_text(&mut s, "nora@bank");
        key(&mut s, KeyCode::Tab);
        assert!(
            form(&s).fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("not an email"),
            "checked on leaving the field"
        );
        type_text(&mut s, "Nora");
        assert!(key(&mut s, KeyCode::Enter).is_empty());
        assert_eq!(
            form(&s).stage,
            Stage::Editing,
            "the bad email blocks the review"
        );
        assert_eq!(form(&s).focus, 0);
        type_text(&mut s, ".example.com");
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).stage, Stage::Confirming);
        let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::Staff(crate::app::features::staff::calls::Call::Create {
            email,
            first_name,
            last_name,
            audit,
        }) = call
        else {
            panic!()
        };
        assert_eq!(
            (email.as_str(), first_name.as_deref(), last_name),
            ("nora@bank.example.com", Some("Nora"), None)
        );
        assert_eq!(audit.action, "employee.create");
        let created = Employee {
            id: uuid::Uuid::nil(),
            external_id: None,
            email: Some(email),
            first_name: "Nora".into(),
            last_name: String::new(),
            created: None,
            last_login: None,
            roles: vec![],
        };
        let effects = update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::Staff(
                    crate::app::features::staff::calls::Payload::Created(Box::new(created)),
                )),
            },
        );
        assert!(matches!(s.overlay, Overlay::None));
        assert!(
            matches!(
                call_req(&effects).1,
                Call::Staff(crate::app::features::staff::calls::Call::Page { after: None, .. })
            ),
            "the list reloads"
        );
        let ViewKind::Employees(l) = &s.top().kind else {
            panic!()
        };
        assert_eq!(
            l.notice.as_deref(),
            Some("Created Nora (nora@bank.example.com)")
        );
    }

    #[test]
    fn a_refusal_keeps_the_input_and_says_why() {
        let mut s = employees();
        key(&mut s, KeyCode::Char('n'));
        type_text(&mut s, "dup@bank.example.com");
        key(&mut s, KeyCode::Enter);
        let (req, _) = call_req(&key(&mut s, KeyCode::Enter));
        let err = BackendError::Rejected {
            backend: "Unioo",
            request_id: "r".into(),
            messages: vec!["Email is already in use".into()],
            code: None,
        };
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Err(err),
            },
        );
        let f = form(&s);
        assert_eq!(f.stage, Stage::Editing);
        assert!(f.error.as_deref().unwrap().contains("already in use"));
        assert_eq!(f.fields[0].input.value(), "dup@bank.example.com");
    }

    #[test]
    fn esc_asks_before_discarding_typed_input() {
        let mut s = employees();
        key(&mut s, KeyCode::Char('n'));
        key(&mut s, KeyCode::Esc);
        assert!(
            matches!(s.overlay, Overlay::None),
            "nothing typed: closes at once"
        );
        key(&mut s, KeyCode::Char('n'));
        type_text(&mut s, "x");
        key(&mut s, KeyCode::Esc);
        assert_eq!(form(&s).stage, Stage::DiscardAsked);
        key(&mut s, KeyCode::Char('n'));
        assert_eq!(form(&s).stage, Stage::Editing, "kept");
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('y'));
        assert!(matches!(s.overlay, Overlay::None));
        assert_eq!(ctrl(&mut s, 'c'), vec![Effect::Quit]);
    }

    #[test]
    fn read_only_profiles_have_no_form() {
        let mut s = employees();
        s.profile.read_only = true;
        key(&mut s, KeyCode::Char('n'));
        assert!(matches!(s.overlay, Overlay::None));
    }
}
