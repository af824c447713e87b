//! Keys and results for an open form (see `form` for the form itself). Free of I/O.

use super::action::{Call, Effect, Payload};
use super::form::{FormKind, Stage};
use super::state::*;
use crate::audit::Event;
use crate::backends::BackendError;
use crossterm::event::{Event as TermEvent, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;

pub fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Overlay::Form(form) = &mut state.overlay else {
        return Vec::new();
    };
    if form.sending.is_some() {
        // Waiting for the backend: nothing to edit meanwhile.
        return Vec::new();
    }
    match (form.stage, key.code) {
        (Stage::DiscardAsked, KeyCode::Char('y')) => state.overlay = Overlay::None,
        (Stage::DiscardAsked, _) => form.stage = Stage::Editing,
        (Stage::Confirming, KeyCode::Enter) => return send(state),
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

/// Enter on the confirm step: the runner audits, then sends.
fn send(state: &mut State) -> Vec<Effect> {
    let view = state.top().id;
    let backend = state.profile.backend.to_string();
    let Overlay::Form(form) = &state.overlay else {
        return Vec::new();
    };
    let call = match &form.kind {
        FormKind::BankEmployee => {
            let email = form.value("Email").unwrap_or_default();
            let audit = Event {
                backend,
                action: "employee.create".into(),
                // Audit records hold masked values only.
                targets: vec![format!("email:{}", crate::core::mask_email(&email))],
                correlation: uuid::Uuid::new_v4().to_string(),
                ..Default::default()
            };
            Call::CreateEmployee {
                email,
                first_name: form.value("First name"),
                last_name: form.value("Last name"),
                audit: Box::new(audit),
            }
        }
        FormKind::EndUser(e) => match super::investors::change(form, e) {
            Some((change, audit)) => Call::ChangeEndUser {
                change: Box::new(change),
                audit: Box::new(audit),
            },
            None => return Vec::new(),
        },
        FormKind::BankUser(k) => match super::banking::change(form, k) {
            Some((id, update, audit)) => Call::ChangeBankUser {
                id,
                update: Box::new(update),
                audit: Box::new(audit),
            },
            None => {
                if let Overlay::Form(form) = &mut state.overlay {
                    form.stage = Stage::Editing;
                    form.error = Some("Nothing changed: there is nothing to send.".into());
                }
                return Vec::new();
            }
        },
        FormKind::Platform(p) => match super::platform::change(form, p) {
            Some((change, audit)) => Call::ChangePlatformUser {
                change: Box::new(change),
                audit: Box::new(audit),
            },
            None => return Vec::new(),
        },
        _ => match super::onboarding::forms::change(form) {
            Some((change, audit)) => Call::Onboard {
                change: Box::new(change),
                audit: Box::new(audit),
            },
            None => return Vec::new(),
        },
    };
    let mut effects = Vec::new();
    let req = super::update::start(state, view, call, &mut effects);
    if let Overlay::Form(form) = &mut state.overlay {
        form.sending = Some(req);
    }
    effects
}

/// The backend's answer: success closes the form and reloads the list; a refusal goes back to
/// editing with the reason, keeping what was typed.
pub fn on_loaded(
    state: &mut State,
    view: ViewId,
    result: Result<Payload, BackendError>,
) -> Vec<Effect> {
    match result {
        Ok(Payload::EmployeeCreated(e)) => {
            state.overlay = Overlay::None;
            let mut effects = Vec::new();
            if let Some(ViewKind::Employees(l)) = state.view_mut(view).map(|v| &mut v.kind) {
                let sort = l.sort;
                *l = PagedList {
                    sort,
                    notice: Some(format!(
                        "Created {} ({})",
                        e.full_name(),
                        e.email.clone().unwrap_or_default()
                    )),
                    ..Default::default()
                };
                effects.extend(super::update::load_more(state, view));
            }
            effects
        }
        Ok(Payload::EndUserChanged(user)) => {
            state.overlay = Overlay::None;
            super::investors::on_changed(state, user.map(|u| *u))
        }
        Ok(Payload::BankUserChanged(user)) => {
            state.overlay = Overlay::None;
            super::banking::on_changed(state, *user)
        }
        Ok(Payload::PlatformChanged(user)) => {
            state.overlay = Overlay::None;
            super::platform::on_changed(state, *user)
        }
        Ok(Payload::Onboarded(changed)) => {
            state.overlay = Overlay::None;
            super::onboarding::on_changed(state, view, changed)
        }
        Err(e) => {
            let login = matches!(e, BackendError::Unauthorized { .. });
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
                super::onboarding::prompt::ask_login(state, view, &e);
            }
            Vec::new()
        }
        Ok(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::app::action::Action;
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
                result: Ok(Payload::Employees(Page {
                    items: vec![],
                    total: 0,
                    next_cursor: None,
                })),
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
        let Call::CreateEmployee {
            email,
            first_name,
            last_name,
            audit,
        } = call
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
                result: Ok(Payload::EmployeeCreated(Box::new(created))),
            },
        );
        assert!(matches!(s.overlay, Overlay::None));
        assert!(
            matches!(call_req(&effects).1, Call::Employees { after: None, .. }),
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
