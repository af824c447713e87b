//! Helpers for `update` tests: a fresh state, key presses, and picking calls out of effects.

use super::action::{Action, Call, Effect, RequestId};
use super::state::{ProfileInfo, State};
use super::update;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::civil::Date;
use std::time::Instant;
use uuid::Uuid;

pub fn state() -> State {
    State::new(
        ProfileInfo::new("t", "Unioo"),
        (80, 24),
        Instant::now(),
        Date::constant(2026, 11, 23),
    )
}

pub fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        assert!(key(s, KeyCode::Char(c)).is_empty());
    }
}

pub fn person(first: &str) -> PersonSummary {
    PersonSummary {
        id: Uuid::new_v4(),
        first_name: first.into(),
        last_name: "Test".into(),
        email: None,
        organizations: vec![],
    }
}

pub fn calls(effects: &[Effect]) -> Vec<(RequestId, Call)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { req, call } => Some((*req, call.clone())),
            _ => None,
        })
        .collect()
}

pub fn call_req(effects: &[Effect]) -> (RequestId, Call) {
    calls(effects).into_iter().next().expect("a call")
}

/// What tests of `update` read back: the views of every feature and the shared list.
pub use super::features::ViewKind;
pub use super::features::audit::AuditView;
pub use super::features::bank_users::BankUserView;
pub use super::features::end_users::EndUserView;
pub use super::features::onboarding::{ClientEmployeeView, ClientEmployeesView, DepartmentsView};
pub use super::features::people::{PersonTab, PersonView};
pub use super::features::platform::PlatformUserView;
pub use super::features::review::{DocumentView, QueueView};
pub use super::features::search::{Outcome, SearchFocus, SearchView, SourceSearch};
pub use super::paging::{PagedList, list_rows};
pub use super::state::{DEFAULT_REJECT_REASONS, PromptKind};
pub use crate::core::{Page, PersonSummary, Sort, SortKey};

/// An Upvest end user, Erika Mustermann of Berlin.
pub fn end_user(id: &str, status: &str) -> crate::core::investing::EndUser {
    crate::core::investing::EndUser {
        id: id.into(),
        first_name: "Erika".into(),
        last_name: "Mustermann".into(),
        birth_date: "1990-04-01".into(),
        nationalities: vec!["DE".into()],
        address: crate::core::investing::EndUserAddress {
            address_line1: "Torstraße 9".into(),
            address_line2: None,
            postcode: "10119".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            state: None,
        },
        status: status.into(),
        created_at: "2026-10-01T08:00:00.000Z".into(),
    }
}
