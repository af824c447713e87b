//! Upvest end users: the list, one user with their checks and tax residencies, and the
//! audited changes (create, offboard with a reason, data change requests). Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Tone, Width};
use crate::app::features::ViewKind;
use crate::app::form::{EndUserForm, Field, Form, FormKind};
use crate::app::paging::{ListCursor, PagedList};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self, start};
use crate::app::state::{Overlay, Resource, State, ViewId};
use crate::audit::Event;
use crate::backends::BackendError;
use crate::core::investing::*;

/// The end users table: the pane, `:export` and `backoffice get end-users` show these.
pub const COLUMNS: &[Column<EndUser>] = &[
    Column::new("Status", Width::Fixed(11), |u: &EndUser| u.status.clone()).toned(|u, _| {
        match u.status.as_str() {
            "ACTIVE" => Tone::Ok,
            "OFFBOARDING" => Tone::Warn,
            _ => Tone::Dim,
        }
    }),
    Column::new("Name", Width::Fill(1), |u| u.full_name()),
    Column::new("Born", Width::Fixed(10), |u| u.birth_date.clone()),
    Column::new("City", Width::Fixed(14), |u| u.address.city.clone()),
    Column::new("Id", Width::Fixed(36), |u: &EndUser| u.id.clone()).from_width(120),
    Column::new("Created", Width::Fixed(10), |u: &EndUser| {
        u.created_at.get(..10).unwrap_or_default().to_string()
    })
    .from_width(120),
];

pub struct EndUsers;

/// `U`: the end users list (the one already open, if any).
pub fn open(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::EndUsers(_))) {
        return effects;
    }
    let view = state.push(ViewKind::EndUsers(PagedList::default()));
    load_more(state, view)
}

pub fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::EndUsers(l) if l.wants_page() => Some(Call::EndUsers(calls::Call::Page {
            offset: l.next_offset(),
        })),
        _ => None,
    })
}

/// One user by record (from the search), their checks and tax residencies loading.
pub fn open_record(state: &mut State, user: EndUser) -> Vec<Effect> {
    let id = user.id.clone();
    let view = state.push(ViewKind::EndUser(Box::new(EndUserView {
        user,
        detail: Resource::Idle,
        notice: None,
    })));
    load_detail(state, view, id)
}

fn load_detail(state: &mut State, view: ViewId, id: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    let req = start(
        state,
        view,
        Call::EndUsers(calls::Call::One(id)),
        &mut effects,
    );
    if let Some(ViewKind::EndUser(u)) = state.view_mut(view).map(|v| &mut v.kind) {
        u.detail = Resource::Loading(req);
    }
    effects
}

fn current(state: &State) -> Option<&EndUser> {
    match &state.top().kind {
        ViewKind::EndUsers(l) => l.rows.get(l.selected),
        ViewKind::EndUser(u) => Some(&u.user),
        _ => None,
    }
}

fn iso2(v: &str) -> Result<(), String> {
    if v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(())
    } else {
        Err("is a two-letter ISO 3166 code (e.g. DE)".into())
    }
}

/// "Not a P.O. box or c/o address", as Upvest requires.
fn street(v: &str) -> Result<(), String> {
    if crate::core::validate::is_po_box(v) {
        Err("must be a street address, not a P.O. box or c/o".into())
    } else {
        Ok(())
    }
}

fn address_fields(a: Option<&EndUserAddress>) -> Vec<Field> {
    vec![
        Field::new("Street", true, Some(street)).with_value(a.map(|a| a.address_line1.as_str())),
        Field::new("Postcode", true, None).with_value(a.map(|a| a.postcode.as_str())),
        Field::new("City", true, None).with_value(a.map(|a| a.city.as_str())),
        Field::new("Country", true, Some(iso2)).with_value(a.map(|a| a.country.as_str())),
    ]
}

fn fresh_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn run(state: &mut State, command: Command) -> Vec<Effect> {
    let user = current(state).cloned();
    let form = match (command, user) {
        (Command::New, _) => {
            let mut fields = vec![
                Field::new("First name", true, None),
                Field::new("Last name", true, None),
                Field::born("Birth date", true),
                Field::new("Nationality", true, Some(iso2)),
            ];
            fields.extend(address_fields(None));
            Form::new(
                FormKind::EndUser(EndUserForm::Create {
                    idempotency_key: fresh_key(),
                }),
                "New end user (Upvest)",
                "Create this end user?",
                fields,
            )
        }
        (Command::Offboard, Some(u)) => {
            if u.status.starts_with("OFFBOARD") {
                return note(state, format!("{} is already {}.", u.full_name(), u.status));
            }
            Form::new(
                FormKind::EndUser(EndUserForm::Offboard {
                    id: u.id.clone(),
                    name: u.full_name(),
                }),
                "Offboard end user (Upvest)",
                "Offboard? Upvest closes the user's accounts; this cannot be undone here.",
                vec![Field::new("Reason", true, None)],
            )
            .about(format!(
                "{} · {} · {}",
                u.full_name(),
                u.birth_date,
                u.status
            ))
        }
        (Command::RequestChange, Some(u)) => {
            let mut fields = vec![
                Field::new("First name", true, None).with_value(Some(&u.first_name)),
                Field::new("Last name", true, None).with_value(Some(&u.last_name)),
            ];
            fields.extend(address_fields(Some(&u.address)));
            Form::new(
                FormKind::EndUser(EndUserForm::RequestChange {
                    id: u.id.clone(),
                    idempotency_key: fresh_key(),
                }),
                "Data change request (Upvest)",
                "Ask Upvest to make these changes?",
                fields,
            )
            .about(u.full_name())
        }
        _ => return Vec::new(),
    };
    state.overlay = Overlay::Form(form);
    Vec::new()
}

fn note(state: &mut State, text: String) -> Vec<Effect> {
    match &mut state.top_mut().kind {
        ViewKind::EndUser(u) => u.notice = Some(text),
        ViewKind::EndUsers(l) => l.notice = Some(text),
        _ => {}
    }
    Vec::new()
}

fn event(action: &str, target: String) -> Event {
    Event {
        backend: "Upvest".into(),
        action: action.into(),
        targets: vec![target],
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    }
}

fn address(form: &Form) -> Option<EndUserAddress> {
    Some(EndUserAddress {
        address_line1: form.value("Street")?,
        address_line2: None,
        postcode: form.value("Postcode")?,
        city: form.value("City")?,
        country: form.value("Country")?.to_uppercase(),
        state: None,
    })
}

/// The change a confirmed form sends, and its audit event (ids only, no names).
pub fn change(form: &Form, kind: &EndUserForm) -> Option<(EndUserChange, Event)> {
    Some(match kind {
        EndUserForm::Create { idempotency_key } => (
            EndUserChange::Create {
                user: NewEndUser {
                    first_name: form.value("First name")?,
                    last_name: form.value("Last name")?,
                    birth_date: form.value("Birth date")?,
                    nationalities: vec![form.value("Nationality")?.to_uppercase()],
                    address: address(form)?,
                },
                idempotency_key: idempotency_key.clone(),
            },
            event(
                "end-user.create",
                format!("idempotency-key:{idempotency_key}"),
            ),
        ),
        EndUserForm::Offboard { id, .. } => {
            let mut ev = event("end-user.offboard", format!("upvest-user:{id}"));
            ev.reason = form.value("Reason");
            (EndUserChange::Offboard { id: id.clone() }, ev)
        }
        EndUserForm::RequestChange {
            id,
            idempotency_key,
        } => {
            // Only what changed is asked for; the address goes whole when any part changed.
            let mut fields = serde_json::Map::new();
            for (label, key) in [("First name", "first_name"), ("Last name", "last_name")] {
                if form.fields.iter().any(|f| f.label == label && f.changed()) {
                    fields.insert(key.into(), form.value(label)?.into());
                }
            }
            let address_changed = form.fields.iter().any(|f| {
                ["Street", "Postcode", "City", "Country"].contains(&f.label) && f.changed()
            });
            if address_changed {
                fields.insert("address".into(), serde_json::to_value(address(form)?).ok()?);
            }
            let mut ev = event("end-user.data-change", format!("upvest-user:{id}"));
            ev.reason = Some(format!(
                "fields: {}",
                fields.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
            (
                EndUserChange::RequestChange {
                    id: id.clone(),
                    fields,
                    idempotency_key: idempotency_key.clone(),
                },
                ev,
            )
        }
    })
}

pub fn on_changed(state: &mut State, user: Option<EndUser>) -> Vec<Effect> {
    let Some(user) = user else {
        // A data change request: accepted, applied by Upvest later.
        return note(
            state,
            "Change requested: Upvest applies it after its checks.".into(),
        );
    };
    let text = format!("{} is {} now.", user.full_name(), user.status);
    for v in &mut state.views {
        match &mut v.kind {
            ViewKind::EndUser(u) if u.user.id == user.id => {
                u.user = user.clone();
                u.notice = Some(text.clone());
            }
            ViewKind::EndUsers(l) => {
                match l.rows.iter_mut().find(|r| r.id == user.id) {
                    Some(r) => *r = user.clone(),
                    None => l.rows.push(user.clone()),
                }
                l.notice = Some(text.clone());
            }
            _ => {}
        }
    }
    Vec::new()
}

impl Feature for EndUsers {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        run(state, command)
    }

    /// Enter on the list: the user, with checks and tax residencies loading.
    fn open(&self, state: &mut State) -> Vec<Effect> {
        match &state.top().kind {
            ViewKind::EndUsers(l) => match l.rows.get(l.selected).cloned() {
                Some(user) => open_record(state, user),
                None => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        match &mut state.top_mut().kind {
            ViewKind::EndUsers(l) => {
                l.refresh();
                load_more(state, view)
            }
            ViewKind::EndUser(u) => {
                // "… is OFFBOARDING now." would outlive what the reload shows.
                u.notice = None;
                let id = u.user.id.clone();
                load_detail(state, view, id)
            }
            _ => Vec::new(),
        }
    }

    fn submit(&self, _: &State, form: &Form) -> Result<Call, String> {
        let FormKind::EndUser(kind) = &form.kind else {
            return Err("This form does not belong to end users.".into());
        };
        match change(form, kind) {
            Some((change, audit)) => Ok(Call::EndUsers(calls::Call::Change {
                change: Box::new(change),
                audit: Box::new(audit),
            })),
            None => Err("Nothing to send: fill in the fields first.".into()),
        }
    }

    fn load_more(&self, state: &mut State, view: ViewId) -> Vec<Effect> {
        load_more(state, view)
    }

    fn on_loaded(
        &self,
        state: &mut State,
        view: ViewId,
        req: RequestId,
        result: Result<Payload, BackendError>,
    ) -> Vec<Effect> {
        if let Ok(Payload::EndUsers(calls::Payload::Changed(user))) = result {
            return on_changed(state, user.map(|u| *u));
        }
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::EndUsers(l)) => l.apply(req, result, |p| match p {
                Payload::EndUsers(calls::Payload::Page(page)) => Some(page),
                _ => None,
            }),
            Some(ViewKind::EndUser(u)) => match result {
                Ok(Payload::EndUsers(calls::Payload::Detail(d))) => {
                    u.user = d.user.clone();
                    u.detail = Resource::Loaded(d);
                }
                Ok(_) => {}
                Err(e) => u.detail = Resource::Failed(e.to_string()),
            },
            _ => {}
        }
        Vec::new()
    }
}

impl ListRow for EndUser {
    const TITLE: &'static str = "End users";
    const SHEET: &'static str = "end-users";
    const CONTEXT: Context = registry::END_USERS;
    const COPY_LABEL: &'static str = "user id";
    const COLUMNS: &'static [Column<Self>] = COLUMNS;
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Pane for EndUserView {
    fn title(&self) -> String {
        self.user.full_name()
    }
    fn context(&self) -> Context {
        registry::END_USER
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, _: &Shown) -> Option<Sheet> {
        let fields = sheet_fields(&self.user, self.detail.loaded().map(|d| &**d));
        Some(Sheet::fields(
            "end-user",
            fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("user id", self.user.id.clone()))
    }
    fn cancelled(&mut self) {
        if self.detail.is_loading() {
            self.detail = Resource::Failed("Loading cancelled. Press F5 to load again.".into());
        }
    }
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::upvest::NAME,
            format_args!("upvest-user:{}", self.user.id),
            self.user.full_name(),
        ))
    }
}

/// One end user's fields, in order: what the detail pane draws at its top and what `:export`
/// writes first.
pub fn detail(u: &EndUser) -> Vec<(&'static str, String)> {
    let a = &u.address;
    vec![
        ("Name", u.full_name()),
        ("Birth date", u.birth_date.clone()),
        ("Nationalities", u.nationalities.join(", ")),
        (
            "Address",
            format!(
                "{}, {} {}, {}",
                a.address_line1, a.postcode, a.city, a.country
            ),
        ),
        ("Status", u.status.clone()),
        ("Created", u.created_at.clone()),
        ("Id", u.id.clone()),
    ]
}

/// A tax residency as the pane lists it: the country, and the number or why there is none.
pub fn tax_residency(r: &crate::core::investing::TaxResidency) -> (String, String) {
    (
        r.country.clone(),
        r.tax_identifier_number
            .clone()
            .or(r.missing_tin_reason.clone())
            .unwrap_or_default(),
    )
}

/// What `:export` writes for an end user: the fields, then each check and tax residency
/// the pane lists below them (once they have loaded).
fn sheet_fields(
    u: &EndUser,
    more: Option<&crate::core::investing::EndUserDetail>,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = detail(u)
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    if let Some(d) = more {
        fields.extend(
            d.checks
                .iter()
                .map(|c| (format!("Check {}", c.kind), c.status.clone())),
        );
        fields.extend(d.tax_residencies.iter().map(|r| {
            let (country, number) = tax_residency(r);
            (format!("Tax residency {country}"), number)
        }));
    }
    fields
}

crate::filter_on_columns!(EndUser, COLUMNS);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::form::Stage;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crate::core::Page;
    use crossterm::event::KeyCode;

    fn user(id: &str, status: &str) -> EndUser {
        end_user(id, status)
    }

    fn listed() -> State {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('U')));
        assert_eq!(call, Call::EndUsers(calls::Call::Page { offset: 0 }));
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::EndUsers(calls::Payload::Page(Page {
                    items: vec![user("u1", "ACTIVE"), user("u2", "OFFBOARDED")],
                    total: 2,
                    next_cursor: None,
                }))),
            },
        );
        s
    }

    fn form(s: &State) -> &Form {
        match &s.overlay {
            Overlay::Form(f) => f,
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn a_birth_date_after_the_state_s_today_is_refused_and_today_is_not() {
        // The state's today is 2026-11-23, whatever the machine's clock says.
        let mut s = listed();
        key(&mut s, KeyCode::Char('n'));
        let born = form(&s)
            .fields
            .iter()
            .position(|f| f.label == "Birth date")
            .unwrap();
        for _ in 0..born {
            key(&mut s, KeyCode::Tab);
        }
        type_text(&mut s, "2026-11-24");
        key(&mut s, KeyCode::Tab);
        assert_eq!(
            form(&s).fields[born].error.as_deref(),
            Some("is in the future")
        );
        key(&mut s, KeyCode::BackTab);
        for _ in 0..2 {
            key(&mut s, KeyCode::Backspace);
        }
        type_text(&mut s, "23");
        key(&mut s, KeyCode::Tab);
        assert_eq!(form(&s).fields[born].error, None);
    }

    #[test]
    fn offboarding_asks_a_reason_and_the_already_offboarded_are_not_asked() {
        let mut s = listed();
        key(&mut s, KeyCode::Down);
        key(&mut s, KeyCode::Char('O'));
        assert!(matches!(s.overlay, Overlay::None));
        key(&mut s, KeyCode::Up);
        key(&mut s, KeyCode::Char('O'));
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).fields[0].error.as_deref(), Some("is required"));
        type_text(&mut s, "client left");
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).stage, Stage::Confirming);
        let (_, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::EndUsers(calls::Call::Change { change, audit }) = call else {
            panic!()
        };
        assert_eq!(*change, EndUserChange::Offboard { id: "u1".into() });
        assert_eq!(audit.reason.as_deref(), Some("client left"));
        assert_eq!(audit.targets, vec!["upvest-user:u1".to_string()]);
    }

    #[test]
    fn a_data_change_sends_only_what_changed_and_keeps_its_key_until_refused() {
        let mut s = listed();
        key(&mut s, KeyCode::Char('c'));
        for _ in 0..5 {
            key(&mut s, KeyCode::Tab);
        }
        key(&mut s, KeyCode::Backspace);
        key(&mut s, KeyCode::Backspace);
        type_text(&mut s, "XX");
        key(&mut s, KeyCode::Tab);
        key(&mut s, KeyCode::Enter);
        assert!(
            form(&s).fields[5].error.is_none(),
            "{:?}",
            form(&s).fields[5].error
        );
        let (req, call) = call_req(&key(&mut s, KeyCode::Enter));
        let Call::EndUsers(calls::Call::Change { change, .. }) = call else {
            panic!()
        };
        let EndUserChange::RequestChange {
            fields,
            idempotency_key,
            ..
        } = *change
        else {
            panic!()
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), vec!["address"]);
        assert_eq!(fields["address"]["country"], "XX");
        // A refusal: back to editing with a fresh key for the next try.
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Err(BackendError::Rejected {
                    backend: "Upvest",
                    request_id: "r".into(),
                    messages: vec!["bad".into()],
                    code: None,
                }),
            },
        );
        let FormKind::EndUser(EndUserForm::RequestChange {
            idempotency_key: next,
            ..
        }) = &form(&s).kind
        else {
            panic!()
        };
        assert_ne!(*next, idempotency_key);
    }

    #[test]
    fn creating_checks_dates_codes_and_the_street() {
        let mut s = listed();
        key(&mut s, KeyCode::Char('n'));
        for t in [
            "Erika",
            "Mustermann",
            "1990-13-01",
            "Deutschland",
            "Postfach 12",
        ] {
            type_text(&mut s, t);
            key(&mut s, KeyCode::Tab);
        }
        let f = form(&s);
        assert!(f.fields[2].error.as_deref().unwrap().contains("not a date"));
        assert!(f.fields[3].error.as_deref().unwrap().contains("two-letter"));
        assert!(f.fields[4].error.as_deref().unwrap().contains("P.O. box"));
        assert!(s.requests.is_empty());
    }

    #[test]
    fn a_change_s_notice_is_cleared_by_the_refresh_that_may_show_a_later_status() {
        let mut s = listed();
        let changed = |s: &mut State, status: &str| on_changed(s, Some(user("u1", status)));
        // On the list.
        changed(&mut s, "OFFBOARDING");
        let notice = |s: &State| match &s.top().kind {
            ViewKind::EndUsers(l) => l.notice.clone(),
            ViewKind::EndUser(u) => u.notice.clone(),
            _ => panic!(),
        };
        assert_eq!(
            notice(&s).as_deref(),
            Some("Erika Mustermann is OFFBOARDING now.")
        );
        key(&mut s, KeyCode::F(5));
        assert_eq!(notice(&s), None);
        // On the user.
        key(&mut s, KeyCode::Enter);
        assert!(matches!(s.top().kind, ViewKind::EndUser(_)));
        changed(&mut s, "OFFBOARDING");
        assert!(notice(&s).is_some());
        key(&mut s, KeyCode::F(5));
        assert_eq!(notice(&s), None);
    }
}
