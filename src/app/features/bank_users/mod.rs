//! bunq users: the list, one user, and the audited changes staff make (block, status and
//! sub-status, details). Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Tone, Width};
use crate::app::features::ViewKind;
use crate::app::form::{BankUserForm, Field, Form, FormKind};
use crate::app::paging::{ListCursor, PagedList};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self, start};
use crate::app::state::{Overlay, Resource, State, ViewId};
use crate::audit::Event;
use crate::backends::BackendError;
use crate::core::banking::*;

fn status_tone(status: &str) -> Tone {
    match status {
        "ACTIVE" => Tone::Ok,
        "BLOCKED" | "DENIED" => Tone::Danger,
        "SIGNUP" | "RECOVERY" => Tone::Warn,
        _ => Tone::Dim,
    }
}

/// The bunq users table: the pane, `:export` and `backoffice get bunq-users` show these.
pub const COLUMNS: &[Column<BankUser>] = &[
    Column::new("Status", Width::Fixed(24), |u: &BankUser| u.status_text())
        .toned(|u, _| status_tone(&u.status)),
    Column::new("Name", Width::Fill(1), |u| u.full_name()),
    Column::new("Born", Width::Fixed(10), |u| u.date_of_birth.clone()),
    Column::new("Id", Width::Fixed(7), |u| u.id.to_string()),
    Column::new("Email", Width::Fixed(36), |u: &BankUser| {
        u.email().unwrap_or_default().into()
    })
    .from_width(120),
    Column::new("City", Width::Fixed(14), |u: &BankUser| {
        u.address_main
            .as_ref()
            .map(|a| a.city.clone())
            .unwrap_or_default()
    })
    .from_width(120),
];

pub struct BankUsers;

/// `B`: the bunq users list (the one already open, if any).
pub fn open(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::BankUsers(_))) {
        return effects;
    }
    let view = state.push(ViewKind::BankUsers(PagedList::default()));
    load_more(state, view)
}

/// One user by id (from the federated search), loading.
pub fn open_id(state: &mut State, id: u64) -> Vec<Effect> {
    let view = state.push(ViewKind::BankUser(Box::new(BankUserView {
        id,
        user: Resource::Idle,
        notice: None,
    })));
    load_user(state, view, id)
}

pub fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::BankUsers(l) if l.wants_page() => Some(Call::BankUsers(calls::Call::Page {
            older_id: l.next_cursor.clone(),
            loaded: l.rows.len(),
        })),
        _ => None,
    })
}

fn load_user(state: &mut State, view: ViewId, id: u64) -> Vec<Effect> {
    let mut effects = Vec::new();
    let req = start(
        state,
        view,
        Call::BankUsers(calls::Call::One(id)),
        &mut effects,
    );
    if let Some(ViewKind::BankUser(u)) = state.view_mut(view).map(|v| &mut v.kind) {
        u.user = Resource::Loading(req);
    }
    effects
}

fn current(state: &State) -> Option<&BankUser> {
    match &state.top().kind {
        ViewKind::BankUsers(l) => l.rows.get(l.selected),
        ViewKind::BankUser(u) => match &u.user {
            Resource::Loaded(user) => Some(user),
            _ => None,
        },
        _ => None,
    }
}

fn status(v: &str) -> Result<(), String> {
    one_of(v, &STATUSES)
}

fn sub_status(v: &str) -> Result<(), String> {
    one_of(v, &SUB_STATUSES)
}

fn gender(v: &str) -> Result<(), String> {
    one_of(v, &GENDERS)
}

fn one_of(v: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(v)) {
        Ok(())
    } else {
        Err(format!("is one of {}", allowed.join(", ")))
    }
}

fn iso2(v: &str) -> Result<(), String> {
    match isocountry::CountryCode::for_alpha2_caseless(v) {
        Ok(_) if v.len() == 2 => Ok(()),
        _ => Err("is a two-letter ISO 3166 country code (e.g. DK)".into()),
    }
}

fn locale(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    if b.len() == 5
        && b[2] == b'_'
        && b[..2].iter().all(u8::is_ascii_lowercase)
        && b[3..].iter().all(u8::is_ascii_uppercase)
    {
        Ok(())
    } else {
        Err("looks like da_DK (language_REGION)".into())
    }
}

fn timeout(v: &str) -> Result<(), String> {
    match v.parse::<u64>() {
        Ok(t) if (30..=604_800).contains(&t) => Ok(()),
        _ => Err("is 30 to 604800 seconds".into()),
    }
}

/// A blocked user's sub-status is NONE (bunq refuses anything else).
fn blocked_has_no_sub_status(form: &Form) -> Vec<(&'static str, String)> {
    let blocked = form
        .value("Status")
        .is_some_and(|s| s.eq_ignore_ascii_case("BLOCKED"));
    match form.value("Sub-status") {
        Some(s) if blocked && !s.eq_ignore_ascii_case("NONE") => {
            vec![("Sub-status", "must be NONE for a blocked user".into())]
        }
        _ => Vec::new(),
    }
}

fn about(u: &BankUser) -> String {
    format!("{} · bunq {} · {}", u.full_name(), u.id, u.status_text())
}

fn run(state: &mut State, command: Command) -> Vec<Effect> {
    let Some(u) = current(state).cloned() else {
        return Vec::new();
    };
    let form = match command {
        Command::Block => {
            if u.status == "BLOCKED" {
                return note(state, format!("{} is already blocked.", u.full_name()));
            }
            Form::new(
                FormKind::BankUser(BankUserForm::Block { id: u.id }),
                "Block bunq user",
                "Block this user? They can no longer use their account.",
                vec![Field::new("Reason", true, None)],
            )
        }
        Command::SetStatus => Form::new(
            FormKind::BankUser(BankUserForm::Status { id: u.id }),
            "Status (bunq)",
            "Set this status?",
            vec![
                Field::new("Status", true, Some(status)).with_value(Some(&u.status)),
                Field::new("Sub-status", true, Some(sub_status)).with_value(Some(&u.sub_status)),
                Field::new("Reason", true, None),
            ],
        )
        .with_rule(blocked_has_no_sub_status),
        Command::Edit => {
            let a = u.address_main.clone().unwrap_or_default();
            Form::new(
                FormKind::BankUser(BankUserForm::Edit { id: u.id }),
                "Edit bunq user",
                "Send these changes to bunq?",
                vec![
                    Field::new("First name", true, None).with_value(Some(&u.first_name)),
                    Field::new("Middle name", false, None).with_value(Some(&u.middle_name)),
                    Field::new("Last name", true, None).with_value(Some(&u.last_name)),
                    Field::new("Display name", true, None).with_value(Some(&u.display_name)),
                    Field::new("Nickname", true, None).with_value(Some(&u.public_nick_name)),
                    Field::born("Birth date", true).with_value(Some(&u.date_of_birth)),
                    Field::new("Nationality", true, Some(iso2)).with_value(Some(&u.nationality)),
                    Field::new("Gender", true, Some(gender)).with_value(Some(&u.gender)),
                    Field::new("Language", true, Some(locale)).with_value(Some(&u.language)),
                    Field::new("Region", true, Some(locale)).with_value(Some(&u.region)),
                    Field::new("Idle logout (s)", true, Some(timeout))
                        .with_value(Some(&u.session_timeout.to_string())),
                    Field::new("Street", true, None).with_value(Some(&a.street)),
                    Field::new("House number", true, None).with_value(Some(&a.house_number)),
                    Field::new("Postal code", true, None).with_value(Some(&a.postal_code)),
                    Field::new("City", true, None).with_value(Some(&a.city)),
                    Field::new("Country", true, Some(iso2)).with_value(Some(&a.country)),
                ],
            )
        }
        _ => return Vec::new(),
    };
    state.overlay = Overlay::Form(form.about(about(&u)));
    Vec::new()
}

fn note(state: &mut State, text: String) -> Vec<Effect> {
    match &mut state.top_mut().kind {
        ViewKind::BankUser(u) => u.notice = Some(text),
        ViewKind::BankUsers(l) => l.notice = Some(text),
        _ => {}
    }
    Vec::new()
}

fn event(action: &str, id: u64, reason: Option<String>) -> Event {
    Event {
        backend: "bunq".into(),
        action: action.into(),
        targets: vec![format!("bunq-user:{id}")],
        correlation: uuid::Uuid::new_v4().to_string(),
        reason,
        ..Default::default()
    }
}

/// The value to send for a changed field: `""` clears an optional one.
fn changed(form: &Form, label: &str) -> Option<String> {
    form.fields
        .iter()
        .find(|f| f.label == label && f.changed())
        .map(|f| f.input.value().trim().to_string())
}

/// The update a confirmed form sends, and its audit event (the user's id and the names of
/// the fields changed; never their values).
pub fn change(form: &Form, kind: &BankUserForm) -> Option<(u64, BankUserUpdate, Event)> {
    Some(match kind {
        BankUserForm::Block { id } => (
            *id,
            BankUserUpdate {
                status: Some("BLOCKED".into()),
                sub_status: Some("NONE".into()),
                ..Default::default()
            },
            event("bank-user.block", *id, form.value("Reason")),
        ),
        BankUserForm::Status { id } => {
            let update = BankUserUpdate {
                status: Some(form.value("Status")?.to_uppercase()),
                sub_status: Some(form.value("Sub-status")?.to_uppercase()),
                ..Default::default()
            };
            let reason = format!(
                "{} · {} · {}",
                update.status.clone().unwrap_or_default(),
                update.sub_status.clone().unwrap_or_default(),
                form.value("Reason")?
            );
            (*id, update, event("bank-user.status", *id, Some(reason)))
        }
        BankUserForm::Edit { id } => {
            let address_changed = ["Street", "House number", "Postal code", "City", "Country"]
                .iter()
                .any(|l| changed(form, l).is_some());
            let update = BankUserUpdate {
                first_name: changed(form, "First name"),
                middle_name: changed(form, "Middle name"),
                last_name: changed(form, "Last name"),
                display_name: changed(form, "Display name"),
                public_nick_name: changed(form, "Nickname"),
                date_of_birth: changed(form, "Birth date"),
                nationality: changed(form, "Nationality").map(|v| v.to_uppercase()),
                gender: changed(form, "Gender").map(|v| v.to_uppercase()),
                language: changed(form, "Language"),
                region: changed(form, "Region"),
                session_timeout: changed(form, "Idle logout (s)").and_then(|v| v.parse().ok()),
                address_main: address_changed.then(|| BankAddress {
                    street: form.value("Street").unwrap_or_default(),
                    house_number: form.value("House number").unwrap_or_default(),
                    postal_code: form.value("Postal code").unwrap_or_default(),
                    city: form.value("City").unwrap_or_default(),
                    country: form.value("Country").unwrap_or_default().to_uppercase(),
                    ..Default::default()
                }),
                ..Default::default()
            };
            let fields = update.field_names();
            if fields.is_empty() {
                return None;
            }
            let reason = format!("fields: {}", fields.join(", "));
            (*id, update, event("bank-user.edit", *id, Some(reason)))
        }
    })
}

pub fn on_changed(state: &mut State, user: BankUser) -> Vec<Effect> {
    let text = format!("{} is {} now.", user.full_name(), user.status_text());
    for v in &mut state.views {
        match &mut v.kind {
            ViewKind::BankUser(u) if u.id == user.id => {
                u.user = Resource::Loaded(Box::new(user.clone()));
                u.notice = Some(text.clone());
            }
            ViewKind::BankUsers(l) => {
                if let Some(r) = l.rows.iter_mut().find(|r| r.id == user.id) {
                    *r = user.clone();
                }
                l.notice = Some(text.clone());
            }
            _ => {}
        }
    }
    Vec::new()
}

impl Feature for BankUsers {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        run(state, command)
    }

    /// Enter on the list: the user as listed (the list carries every field).
    fn open(&self, state: &mut State) -> Vec<Effect> {
        if let ViewKind::BankUsers(l) = &state.top().kind
            && let Some(user) = l.rows.get(l.selected).cloned()
        {
            state.push(ViewKind::BankUser(Box::new(BankUserView {
                id: user.id,
                user: Resource::Loaded(Box::new(user)),
                notice: None,
            })));
        }
        Vec::new()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        match &mut state.top_mut().kind {
            ViewKind::BankUsers(l) => {
                l.refresh();
                load_more(state, view)
            }
            ViewKind::BankUser(u) => {
                // "… is BLOCKED now." would outlive what the reload shows.
                u.notice = None;
                let id = u.id;
                load_user(state, view, id)
            }
            _ => Vec::new(),
        }
    }

    fn submit(&self, _: &State, form: &Form) -> Result<Call, String> {
        let FormKind::BankUser(kind) = &form.kind else {
            return Err("This form does not belong to bunq users.".into());
        };
        match change(form, kind) {
            Some((id, update, audit)) => Ok(Call::BankUsers(calls::Call::Change {
                id,
                update: Box::new(update),
                audit: Box::new(audit),
            })),
            None => Err("Nothing changed: there is nothing to send.".into()),
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
        if let Ok(Payload::BankUsers(calls::Payload::Changed(user))) = result {
            return on_changed(state, *user);
        }
        match state.view_mut(view).map(|v| &mut v.kind) {
            Some(ViewKind::BankUsers(l)) => l.apply(req, result, |p| match p {
                Payload::BankUsers(calls::Payload::Page(page)) => Some(page),
                _ => None,
            }),
            Some(ViewKind::BankUser(u)) if u.user == Resource::Loading(req) => match result {
                Ok(Payload::BankUsers(calls::Payload::One(user))) => {
                    u.user = Resource::Loaded(user)
                }
                Ok(_) => {}
                Err(e) => u.user = Resource::Failed(e.to_string()),
            },
            _ => {}
        }
        Vec::new()
    }
}

impl ListRow for BankUser {
    const TITLE: &'static str = "bunq users";
    const SHEET: &'static str = "bunq-users";
    const CONTEXT: Context = registry::BANK_USERS;
    const COPY_LABEL: &'static str = "user id";
    const COLUMNS: &'static [Column<Self>] = COLUMNS;
    fn id(&self) -> String {
        self.id.to_string()
    }
}

impl Pane for BankUserView {
    fn title(&self) -> String {
        match &self.user {
            Resource::Loaded(user) => user.full_name(),
            _ => format!("bunq user {}", self.id),
        }
    }
    fn context(&self) -> Context {
        registry::BANK_USER
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, _: &Shown) -> Option<Sheet> {
        let u = self.user.loaded()?;
        Some(Sheet::fields("bunq-user", detail(u)))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("user id", self.id.to_string()))
    }
    fn cancelled(&mut self) {
        if self.user.is_loading() {
            self.user = Resource::Failed("Loading cancelled. Press F5 to load again.".into());
        }
    }
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::bunq::NAME,
            format_args!("bunq-user:{}", self.id),
            self.title(),
        ))
    }
}

/// One user's fields, in order: what the detail pane draws and what `:export` writes (tax
/// numbers masked in both). "—" where bunq has nothing.
pub fn detail(u: &BankUser) -> Vec<(&'static str, String)> {
    let or_dash = |s: String| if s.is_empty() { "—".to_string() } else { s };
    let address = |a: &Option<crate::core::banking::BankAddress>| {
        a.as_ref()
            .map(|a| a.one_line())
            .unwrap_or_else(|| "—".into())
    };
    let tax = u
        .tax_resident
        .iter()
        .map(|r| format!("{} {} ({})", r.country, r.tax_number.masked(), r.status))
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        ("Name", u.full_name()),
        ("Status", u.status_text()),
        ("Email", u.email().unwrap_or("—").to_string()),
        ("Phone", u.phone().unwrap_or("—").to_string()),
        (
            "Born",
            format!(
                "{} in {}, {}",
                u.date_of_birth, u.place_of_birth, u.country_of_birth
            ),
        ),
        (
            "Nationality",
            format!("{} (all: {})", u.nationality, u.all_nationality.join(", ")),
        ),
        ("Tax residency", or_dash(tax)),
        ("Address", address(&u.address_main)),
        ("Postal", address(&u.address_postal)),
        (
            "Language",
            format!("{} · region {} · {}", u.language, u.region, u.gender),
        ),
        (
            "Session",
            format!("logs out after {} s idle", u.session_timeout),
        ),
        (
            "Daily limit",
            u.daily_limit_without_confirmation_login
                .as_ref()
                .map(|a| format!("{} {}", a.value, a.currency))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Updated",
            u.updated.get(..19).unwrap_or_default().to_string(),
        ),
        ("Id", u.id.to_string()),
    ]
}

crate::filter_on_columns!(BankUser, COLUMNS);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Action;
    use crate::app::form::Stage;
    use crate::app::test_support::*;
    use crate::app::update::update;
    use crate::core::Page;
    use crossterm::event::KeyCode;

    fn user(id: u64, status: &str) -> BankUser {
        BankUser {
            id,
            first_name: "Ida".into(),
            last_name: "Holm".into(),
            display_name: "Ida Holm".into(),
            public_nick_name: "Ida".into(),
            date_of_birth: "1961-07-07".into(),
            nationality: "DK".into(),
            gender: "FEMALE".into(),
            language: "da_DK".into(),
            region: "da_DK".into(),
            session_timeout: 604_800,
            status: status.into(),
            sub_status: "NONE".into(),
            address_main: Some(BankAddress {
                street: "Møllevej".into(),
                house_number: "4".into(),
                postal_code: "9000".into(),
                city: "Aalborg".into(),
                country: "DK".into(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn listed() -> State {
        let mut s = state();
        key(&mut s, KeyCode::Esc);
        let (req, call) = call_req(&key(&mut s, KeyCode::Char('B')));
        assert_eq!(
            call,
            Call::BankUsers(calls::Call::Page {
                older_id: None,
                loaded: 0
            })
        );
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::BankUsers(calls::Payload::Page(Page {
                    items: vec![user(2002, "ACTIVE"), user(2001, "BLOCKED")],
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

    fn sent(s: &mut State) -> (RequestId, u64, BankUserUpdate, Event) {
        let (req, call) = call_req(&key(s, KeyCode::Enter));
        let Call::BankUsers(calls::Call::Change { id, update, audit }) = call else {
            panic!("{call:?}")
        };
        (req, id, *update, *audit)
    }

    #[test]
    fn blocking_asks_a_reason_is_audited_and_the_blocked_are_not_asked() {
        let mut s = listed();
        key(&mut s, KeyCode::Down);
        key(&mut s, KeyCode::Char('b'));
        assert!(matches!(s.overlay, Overlay::None));
        key(&mut s, KeyCode::Up);
        key(&mut s, KeyCode::Char('b'));
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).fields[0].error.as_deref(), Some("is required"));
        type_text(&mut s, "card stolen");
        key(&mut s, KeyCode::Enter);
        assert_eq!(form(&s).stage, Stage::Confirming);
        let (req, id, update_, audit) = sent(&mut s);
        assert_eq!(id, 2002);
        assert_eq!(update_.status.as_deref(), Some("BLOCKED"));
        assert_eq!(update_.sub_status.as_deref(), Some("NONE"));
        assert_eq!(audit.action, "bank-user.block");
        assert_eq!(audit.targets, vec!["bunq-user:2002".to_string()]);
        assert_eq!(audit.reason.as_deref(), Some("card stolen"));
        update(
            &mut s,
            Action::Loaded {
                req,
                result: Ok(Payload::BankUsers(calls::Payload::Changed(Box::new(user(
                    2002, "BLOCKED",
                ))))),
            },
        );
        let ViewKind::BankUsers(l) = &s.top().kind else {
            panic!()
        };
        assert_eq!(l.rows[0].status, "BLOCKED");
        assert_eq!(l.notice.as_deref(), Some("Ida Holm is BLOCKED now."));
    }

    #[test]
    fn a_status_is_checked_against_bunqs_values_and_a_blocked_user_has_no_sub_status() {
        let mut s = listed();
        key(&mut s, KeyCode::Char('t'));
        ctrl(&mut s, 'u');
        type_text(&mut s, "FROZEN");
        key(&mut s, KeyCode::Tab);
        assert!(
            form(&s).fields[0]
                .error
                .as_deref()
                .unwrap()
                .contains("ACTIVE, BLOCKED")
        );
        key(&mut s, KeyCode::BackTab);
        ctrl(&mut s, 'u');
        type_text(&mut s, "blocked");
        key(&mut s, KeyCode::Tab);
        ctrl(&mut s, 'u');
        type_text(&mut s, "APPROVAL");
        key(&mut s, KeyCode::Tab);
        assert_eq!(
            form(&s).fields[1].error.as_deref(),
            Some("must be NONE for a blocked user")
        );
        key(&mut s, KeyCode::BackTab);
        ctrl(&mut s, 'u');
        type_text(&mut s, "none");
        key(&mut s, KeyCode::Tab);
        type_text(&mut s, "fraud review");
        key(&mut s, KeyCode::Enter);
        let (_, _, update_, audit) = sent(&mut s);
        assert_eq!(
            (update_.status.as_deref(), update_.sub_status.as_deref()),
            (Some("BLOCKED"), Some("NONE"))
        );
        assert_eq!(
            audit.reason.as_deref(),
            Some("BLOCKED · NONE · fraud review")
        );
    }

    #[test]
    fn an_edit_sends_only_what_changed_and_nothing_when_nothing_did() {
        let mut s = listed();
        key(&mut s, KeyCode::Enter);
        key(&mut s, KeyCode::Char('E'));
        key(&mut s, KeyCode::Enter);
        key(&mut s, KeyCode::Enter);
        assert!(s.requests.is_empty(), "nothing changed, nothing sent");
        assert_eq!(
            form(&s).error.as_deref(),
            Some("Nothing changed: there is nothing to send.")
        );
        for _ in 0..14 {
            key(&mut s, KeyCode::Tab);
        }
        ctrl(&mut s, 'u');
        type_text(&mut s, "Aarhus");
        for _ in 0..4 {
            key(&mut s, KeyCode::Tab); // past the last field, round to the last name
        }
        ctrl(&mut s, 'u');
        type_text(&mut s, "Holmberg");
        key(&mut s, KeyCode::Enter);
        let (_, _, update_, audit) = sent(&mut s);
        assert_eq!(update_.field_names(), vec!["address_main", "last_name"]);
        assert_eq!(update_.address_main.unwrap().city, "Aarhus");
        assert_eq!(
            audit.reason.as_deref(),
            Some("fields: address_main, last_name")
        );
        assert!(
            !format!("{audit:?}").contains("Holmberg"),
            "no values in the audit"
        );
    }

    #[test]
    fn production_asks_for_the_profile_name_before_the_first_change_only() {
        let mut s = listed();
        s.profile.production = true;
        key(&mut s, KeyCode::Char('b'));
        let Overlay::Prompt(p) = &s.overlay else {
            panic!("{:?}", s.overlay)
        };
        assert!(matches!(p.kind, PromptKind::ProductionGate { .. }));
        type_text(&mut s, "prod");
        key(&mut s, KeyCode::Enter);
        let Overlay::Prompt(p) = &s.overlay else {
            panic!()
        };
        assert!(
            p.error
                .as_deref()
                .unwrap()
                .contains("not the profile's name")
        );
        for _ in 0..4 {
            key(&mut s, KeyCode::Backspace);
        }
        type_text(&mut s, "t");
        key(&mut s, KeyCode::Enter);
        assert!(
            matches!(&s.overlay, Overlay::Form(f) if f.title == "Block bunq user"),
            "the change asked for goes on"
        );
        key(&mut s, KeyCode::Esc);
        key(&mut s, KeyCode::Char('t'));
        assert!(
            matches!(&s.overlay, Overlay::Form(_)),
            "asked once a session"
        );
    }

    #[test]
    fn read_only_profiles_get_no_forms() {
        let mut s = listed();
        s.profile.read_only = true;
        for c in ['b', 't', 'E'] {
            key(&mut s, KeyCode::Char(c));
            assert!(matches!(s.overlay, Overlay::None), "{c}");
        }
    }
}
