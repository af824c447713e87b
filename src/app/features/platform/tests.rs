//! Platform user logic, key by key: pending first, the lifecycle forms and their audit events.

use crate::app::action::{Action, Call, Payload};
use crate::app::form::Stage;
use crate::app::state::*;
use crate::app::test_support::*;
use crate::app::update::update;
use crate::core::Page;
use crate::core::platform::*;
use crossterm::event::KeyCode;

fn user(id: &str, state: UserState) -> PlatformUser {
    PlatformUser {
        id: id.into(),
        email: format!("u{id}@investor.example.com"),
        first_name: "U".into(),
        last_name: id.into(),
        mobile: None,
        state,
        accepted_at: None,
        inactive_comment: None,
        group: Some(UserGroup {
            id: if id == "2" { "2".into() } else { "1".into() },
            name: if id == "2" {
                "Advised".into()
            } else {
                "Investors".into()
            },
            persona: "customer".into(),
        }),
        accounts: vec![],
        locale: None,
        last_login: None,
    }
}

fn loaded(s: &mut State, req: u64, payload: Payload) -> Vec<crate::app::Effect> {
    update(
        s,
        Action::Loaded {
            req,
            result: Ok(payload),
        },
    )
}

fn list(s: &State) -> &PagedList<PlatformUser> {
    match &s.top().kind {
        ViewKind::PlatformUsers(l) => l,
        k => panic!("{k:?}"),
    }
}

fn opened() -> State {
    let mut s = state();
    key(&mut s, KeyCode::Esc);
    let (req, call) = call_req(&key(&mut s, KeyCode::Char('p')));
    assert_eq!(call, Call::Platform(super::calls::Call::Page { offset: 0 }));
    let effects = loaded(
        &mut s,
        req,
        Payload::Platform(super::calls::Payload::Page(Page {
            items: vec![user("1", UserState::Active), user("2", UserState::Inactive)],
            total: 3,
            next_cursor: Some("2".into()),
        })),
    );
    let (req, call) = call_req(&effects);
    assert_eq!(
        call,
        Call::Platform(super::calls::Call::Page { offset: 2 }),
        "every page is loaded"
    );
    loaded(
        &mut s,
        req,
        Payload::Platform(super::calls::Payload::Page(Page {
            items: vec![user("3", UserState::Pending)],
            total: 3,
            next_cursor: None,
        })),
    );
    s
}

#[test]
fn pending_users_come_first_and_the_cursor_stays_on_its_user() {
    let s = opened();
    let ids: Vec<&str> = list(&s).rows.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids, vec!["3", "1", "2"]);
    assert_eq!(list(&s).rows[list(&s).selected].id, "1", "was on user 1");
}

#[test]
fn activating_asks_once_names_the_user_and_is_audited() {
    let mut s = opened();
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Char('a'));
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    assert_eq!(f.stage, Stage::Confirming, "a question, nothing to type");
    assert!(
        f.subject
            .as_deref()
            .unwrap()
            .contains("u3@investor.example.com")
    );
    let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Platform(super::calls::Call::Change { change, audit }) = call else {
        panic!()
    };
    assert_eq!(*change, PlatformChange::Activate { id: "3".into() });
    assert_eq!(audit.action, "platform-user.activate");
    assert!(
        !format!("{:?}", audit.targets).contains("u3@"),
        "email masked"
    );
    let mut now = user("3", UserState::Active);
    now.accepted_at = Some(jiff::Timestamp::UNIX_EPOCH);
    loaded(
        &mut s,
        req,
        Payload::Platform(super::calls::Payload::Changed(Box::new(now))),
    );
    assert!(matches!(s.overlay, Overlay::None));
    assert_eq!(
        list(&s)
            .rows
            .iter()
            .filter(|u| u.state == UserState::Pending)
            .count(),
        0
    );
    assert_eq!(list(&s).notice.as_deref(), Some("U 3 is active now."));
    // Esc on the question closes it.
    key(&mut s, KeyCode::Char('a'));
    key(&mut s, KeyCode::Esc);
    assert!(matches!(s.overlay, Overlay::None));
}

#[test]
fn deactivating_needs_a_reason_and_an_inactive_user_is_not_asked_again() {
    let mut s = opened();
    // User 2 is inactive: `d` says so instead of opening a form.
    key(&mut s, KeyCode::Char('G'));
    key(&mut s, KeyCode::Char('d'));
    assert!(matches!(s.overlay, Overlay::None));
    assert_eq!(list(&s).notice.as_deref(), Some("U 2 is already inactive."));
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Char('d'));
    key(&mut s, KeyCode::Enter);
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    assert_eq!(f.fields[0].error.as_deref(), Some("is required"));
    type_text(&mut s, "KYC refused");
    key(&mut s, KeyCode::Enter);
    let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Platform(super::calls::Call::Change { change, audit }) = call else {
        panic!()
    };
    assert_eq!(
        *change,
        PlatformChange::Deactivate {
            id: "1".into(),
            comment: "KYC refused".into()
        }
    );
    assert_eq!(audit.reason.as_deref(), Some("KYC refused"));
}

#[test]
fn the_group_must_be_one_already_seen() {
    let mut s = opened();
    key(&mut s, KeyCode::Char('m'));
    for _ in 0.."Investors".len() {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "Nope");
    key(&mut s, KeyCode::Enter);
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    assert_eq!(
        f.fields[0].error.as_deref(),
        Some("is one of: Investors, Advised")
    );
    for _ in 0..4 {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "advised");
    key(&mut s, KeyCode::Enter);
    let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
    let Call::Platform(super::calls::Call::Change { change, .. }) = call else {
        panic!()
    };
    assert!(matches!(*change, PlatformChange::Update { group_id: Some(ref g), .. } if g == "2"));
}

#[test]
fn creating_checks_email_mobile_and_persona() {
    let mut s = opened();
    key(&mut s, KeyCode::Char('n'));
    for t in ["Léa", "Martin", "lea@", "0612"] {
        type_text(&mut s, t);
        key(&mut s, KeyCode::Tab);
    }
    for _ in 0.."customer".len() {
        key(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "vip");
    key(&mut s, KeyCode::Enter);
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    let errors: Vec<_> = f.fields.iter().filter_map(|x| x.error.as_deref()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[2].contains("customer or distributed_customer"));
    assert!(s.requests.is_empty());
}

#[test]
fn read_only_profiles_change_nothing() {
    let mut s = opened();
    s.profile.read_only = true;
    for k in ['a', 'd', 'm', 'n', 'E'] {
        key(&mut s, KeyCode::Char(k));
        assert!(matches!(s.overlay, Overlay::None), "{k}");
    }
}

#[test]
fn activating_a_user_whose_kyc_is_not_complete_names_the_accounts_in_the_dialog() {
    let mut s = opened();
    let account = |label: &str, code: &str, shown: &str| PlatformAccount {
        id: label.into(),
        label: label.into(),
        kind: "individual".into(),
        kyc_code: code.into(),
        kyc_label: shown.into(),
        kyc_expires: None,
        kyc_refused_comment: None,
    };
    // The pending user (first) has one account to complete, one refused, one validated.
    if let ViewKind::PlatformUsers(l) = &mut s.top_mut().kind {
        l.rows[0].accounts = vec![
            account("Main", "TO_COMPLETE", "To complete"),
            account("Joint", "REFUSED", "Refused"),
            account("Old", "VALIDATED", "Validated"),
        ];
    }
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Char('a'));
    let Overlay::Form(f) = &s.overlay else {
        panic!("the confirm dialog opens")
    };
    assert_eq!(
        f.warning.as_deref(),
        Some("KYC not complete: Main (To complete), Joint (Refused).")
    );
    // A user whose accounts are all complete (here: none) gets no warning.
    let mut s = opened();
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Char('a'));
    let Overlay::Form(f) = &s.overlay else {
        panic!()
    };
    assert_eq!(f.warning, None);
}
