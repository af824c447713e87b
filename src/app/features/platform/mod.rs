//! VASCO platform users: the list (pending first, so approvals are not missed), one user with
//! their accounts, and the lifecycle forms. Free of I/O.

pub mod calls;
mod view;
pub use view::*;

use crate::app::action::{Call, Effect, Payload, RequestId};
use crate::app::columns::{Column, Sheet, Shown, Tone, Width};
use crate::app::features::ViewKind;
use crate::app::form::{Field, Form, FormKind, PlatformForm, Stage};
use crate::app::paging::{ListCursor, PagedList, list_rows, step};
use crate::app::pane::{Feature, ListRow, Pane};
use crate::app::registry::{self, Command, Context};
use crate::app::requests::{self};
use crate::app::state::{Overlay, State, ViewId};
use crate::audit::Event;
use crate::backends::BackendError;
use crate::core::platform::*;
use crate::core::{mask_email, validate};

/// The platform users table: the pane, `:export` and `backoffice get platform-users` show
/// these.
pub const COLUMNS: &[Column<PlatformUser>] = &[
    Column::new("State", Width::Fixed(8), |u: &PlatformUser| {
        u.state.label().into()
    })
    .toned(|u, _| match u.state {
        UserState::Pending => Tone::Warn,
        UserState::Active => Tone::Ok,
        UserState::Inactive => Tone::Dim,
    }),
    Column::new("Name", Width::Percent(28), |u| u.full_name()),
    Column::new("Email", Width::Fill(1), |u| u.email.clone()),
    Column::new("Group", Width::Fixed(18), |u| {
        u.group.as_ref().map(|g| g.name.clone()).unwrap_or_default()
    }),
    Column::new("Accounts", Width::Fixed(8), |u: &PlatformUser| {
        u.accounts.len().to_string()
    })
    .from_width(120),
    Column::new("Accepted", Width::Fixed(10), |u: &PlatformUser| {
        crate::format::date(u.accepted_at)
    })
    .from_width(120),
];

pub struct Platform;

/// `p`: the users list (the one already open, if any).
pub fn open(state: &mut State) -> Vec<Effect> {
    if let Some(effects) = requests::return_to(state, |k| matches!(k, ViewKind::PlatformUsers(_))) {
        return effects;
    }
    let view = state.push(ViewKind::PlatformUsers(PagedList::default()));
    load_more(state, view)
}

/// The API has no filter, so every page is loaded (pending users can be anywhere).
pub fn load_more(state: &mut State, view: ViewId) -> Vec<Effect> {
    requests::load_page(state, view, |k| match k {
        ViewKind::PlatformUsers(l) if l.wants_page() => Some(Call::Platform(calls::Call::Page {
            offset: l.next_offset(),
        })),
        _ => None,
    })
}

fn rank(u: &PlatformUser) -> u8 {
    match u.state {
        UserState::Pending => 0,
        UserState::Active => 1,
        UserState::Inactive => 2,
    }
}

fn on_list_loaded(
    state: &mut State,
    view: ViewId,
    req: RequestId,
    result: Result<Payload, BackendError>,
) -> Vec<Effect> {
    let Some(ViewKind::PlatformUsers(l)) = state.view_mut(view).map(|v| &mut v.kind) else {
        return Vec::new();
    };
    if l.loading != Some(req) {
        return Vec::new();
    }
    l.loading = None;
    match result {
        Ok(Payload::Platform(calls::Payload::Page(page))) => {
            let selected = l.rows.get(l.selected).map(|u| u.id.clone());
            l.take_page(page);
            // Pending first; the cursor stays on the user it was on.
            l.rows.sort_by_key(rank);
            if let Some(id) = selected {
                l.selected = l.rows.iter().position(|u| u.id == id).unwrap_or(0);
            }
            load_more(state, view)
        }
        Ok(_) => Vec::new(),
        Err(e) => {
            l.failed(&e);
            Vec::new()
        }
    }
}

/// One user by record (from the search), with their accounts.
pub fn open_record(state: &mut State, user: crate::core::platform::PlatformUser) {
    state.push(ViewKind::PlatformUser(Box::new(PlatformUserView {
        user,
        notice: None,
        account_row: 0,
    })));
}

/// The user the keys act on: the detail's, or the list's selected one.
fn current(state: &State) -> Option<&PlatformUser> {
    match &state.top().kind {
        ViewKind::PlatformUsers(l) => l.rows.get(l.selected),
        ViewKind::PlatformUser(u) => Some(&u.user),
        _ => None,
    }
}

/// Every group seen on the loaded users: the API has no list of groups.
fn known_groups(state: &State) -> Vec<(String, String)> {
    let mut groups: Vec<(String, String)> = state
        .views
        .iter()
        .flat_map(|v| match &v.kind {
            ViewKind::PlatformUsers(l) => l.rows.iter().collect::<Vec<_>>(),
            ViewKind::PlatformUser(u) => vec![&u.user],
            _ => Vec::new(),
        })
        .filter_map(|u| u.group.as_ref())
        .map(|g| (g.id.clone(), g.name.clone()))
        .collect();
    groups.sort();
    groups.dedup();
    groups
}

fn persona_check(v: &str) -> Result<(), String> {
    match v {
        "customer" | "distributed_customer" => Ok(()),
        _ => Err("is customer or distributed_customer".into()),
    }
}

/// KYC states in which an account is complete; any other (to complete, pending, refused,
/// expired) is named before a user is activated.
const KYC_COMPLETE: [&str; 2] = ["COMPLETED", "VALIDATED"];

/// "KYC not complete: Main (To complete), Joint (Refused)", when any account's is not.
fn kyc_warning(u: &PlatformUser) -> Option<String> {
    let open: Vec<String> = u
        .accounts
        .iter()
        .filter(|a| !KYC_COMPLETE.contains(&a.kyc_code.to_uppercase().as_str()))
        .map(|a| format!("{} ({})", a.label, a.kyc_label))
        .collect();
    (!open.is_empty()).then(|| format!("KYC not complete: {}.", open.join(", ")))
}

/// The lifecycle commands open their form (a question, for activation).
fn run(state: &mut State, command: Command) -> Vec<Effect> {
    if state.profile.read_only {
        return Vec::new();
    }
    let user = current(state).cloned();
    let form = match (command, user) {
        (Command::New, _) => Form::new(
            FormKind::Platform(PlatformForm::Create),
            "New platform user (VASCO)",
            "Create this user? They start pending.",
            vec![
                Field::new("First name", true, None),
                Field::new("Last name", true, None),
                Field::new("Email", true, Some(validate::email)),
                Field::new("Mobile", false, Some(validate::phone_e164)),
                Field::new("Persona", true, Some(persona_check)).with_value(Some("customer")),
                Field::new("Company name", false, None),
            ],
        ),
        (Command::Activate, Some(u)) => {
            if u.state == UserState::Active {
                return note(state, format!("{} is already active.", u.full_name()));
            }
            let mut f = Form::new(
                FormKind::Platform(PlatformForm::Activate {
                    id: u.id.clone(),
                    email: u.email.clone(),
                }),
                "Activate platform user (VASCO)",
                if u.state == UserState::Pending {
                    "Approve this pending user? They can then log in."
                } else {
                    "Reactivate this user? They can then log in again."
                },
                Vec::new(),
            );
            f.warning = kyc_warning(&u);
            f.stage = Stage::Confirming;
            f
        }
        (Command::Deactivate, Some(u)) => {
            if u.state == UserState::Inactive {
                return note(state, format!("{} is already inactive.", u.full_name()));
            }
            Form::new(
                FormKind::Platform(PlatformForm::Deactivate {
                    id: u.id.clone(),
                    email: u.email.clone(),
                }),
                "Deactivate platform user (VASCO)",
                "Deactivate this user? They can no longer log in.",
                vec![Field::new("Why", true, None)],
            )
        }
        (Command::MoveGroup, Some(u)) => {
            let groups = known_groups(state);
            Form::new(
                FormKind::Platform(PlatformForm::MoveGroup {
                    id: u.id.clone(),
                    email: u.email.clone(),
                    groups,
                }),
                "Move to another user group (VASCO)",
                "Move this user?",
                vec![
                    Field::new("Group", true, None)
                        .with_value(u.group.as_ref().map(|g| g.name.as_str())),
                ],
            )
            .with_rule(group_rule)
        }
        (Command::Edit, Some(u)) => Form::new(
            FormKind::Platform(PlatformForm::Edit {
                id: u.id.clone(),
                email: u.email.clone(),
            }),
            "Edit platform user (VASCO)",
            "Save these changes?",
            vec![
                Field::new("First name", true, None).with_value(Some(&u.first_name)),
                Field::new("Last name", true, None).with_value(Some(&u.last_name)),
                Field::new("Mobile", false, Some(validate::phone_e164))
                    .with_value(u.mobile.as_deref()),
            ],
        ),
        _ => return Vec::new(),
    };
    let form = match current(state) {
        Some(u) if command != Command::New => form.about(format!(
            "{} <{}> · {}",
            u.full_name(),
            u.email,
            u.state.label()
        )),
        _ => form,
    };
    state.overlay = Overlay::Form(form);
    Vec::new()
}

fn note(state: &mut State, text: String) -> Vec<Effect> {
    match &mut state.top_mut().kind {
        ViewKind::PlatformUser(u) => u.notice = Some(text),
        ViewKind::PlatformUsers(l) => l.notice = Some(text),
        _ => {}
    }
    Vec::new()
}

/// The group typed must be one seen (by name or id); the error lists them.
fn group_rule(form: &Form) -> Vec<(&'static str, String)> {
    let FormKind::Platform(PlatformForm::MoveGroup { groups, .. }) = &form.kind else {
        return Vec::new();
    };
    let typed = form.value("Group").unwrap_or_default();
    if group_id(groups, &typed).is_some() {
        return Vec::new();
    }
    let names: Vec<&str> = groups.iter().map(|g| g.1.as_str()).collect();
    vec![("Group", format!("is one of: {}", names.join(", ")))]
}

fn group_id(groups: &[(String, String)], typed: &str) -> Option<String> {
    groups
        .iter()
        .find(|(id, name)| id == typed || name.eq_ignore_ascii_case(typed.trim()))
        .map(|g| g.0.clone())
}

fn event(action: &str, id: &str, email: &str) -> Event {
    Event {
        backend: "VASCO".into(),
        action: action.into(),
        targets: vec![
            format!("vasco-user:{id}"),
            format!("email:{}", mask_email(email)),
        ],
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    }
}

/// The change a confirmed form sends, and its audit event (masked values only).
pub fn change(form: &Form, kind: &PlatformForm) -> Option<(PlatformChange, Event)> {
    let v = |l: &str| form.value(l);
    Some(match kind {
        PlatformForm::Create => {
            let email = v("Email")?;
            let ev = event("platform-user.create", "new", &email);
            (
                PlatformChange::Create(NewPlatformUser {
                    first_name: v("First name")?,
                    last_name: v("Last name")?,
                    email,
                    mobile: v("Mobile"),
                    persona: v("Persona")?,
                    corporate_name: v("Company name"),
                }),
                ev,
            )
        }
        PlatformForm::Activate { id, email } => (
            PlatformChange::Activate { id: id.clone() },
            event("platform-user.activate", id, email),
        ),
        PlatformForm::Deactivate { id, email } => {
            let comment = v("Why")?;
            let mut ev = event("platform-user.deactivate", id, email);
            ev.reason = Some(comment.clone());
            (
                PlatformChange::Deactivate {
                    id: id.clone(),
                    comment,
                },
                ev,
            )
        }
        PlatformForm::MoveGroup { id, email, groups } => {
            let group = group_id(groups, &v("Group")?)?;
            let mut ev = event("platform-user.group", id, email);
            ev.reason = Some(format!("to group {group}"));
            (
                PlatformChange::Update {
                    id: id.clone(),
                    first_name: None,
                    last_name: None,
                    mobile: None,
                    group_id: Some(group),
                },
                ev,
            )
        }
        PlatformForm::Edit { id, email } => (
            PlatformChange::Update {
                id: id.clone(),
                first_name: v("First name"),
                last_name: v("Last name"),
                mobile: Some(v("Mobile").unwrap_or_default()),
                group_id: None,
            },
            event("platform-user.update", id, email),
        ),
    })
}

/// A change went through: the user is shown as they are now, in the detail and the list.
pub fn on_changed(state: &mut State, user: PlatformUser) -> Vec<Effect> {
    let notice = format!("{} is {} now.", user.full_name(), user.state.label());
    for v in &mut state.views {
        match &mut v.kind {
            ViewKind::PlatformUser(u) if u.user.id == user.id => {
                u.user = user.clone();
                u.notice = Some(notice.clone());
            }
            ViewKind::PlatformUsers(l) => {
                if let Some(row) = l.rows.iter_mut().find(|r| r.id == user.id) {
                    *row = user.clone();
                } else {
                    l.rows.insert(0, user.clone());
                }
                l.rows.sort_by_key(rank);
                l.notice = Some(notice.clone());
            }
            _ => {}
        }
    }
    Vec::new()
}

impl Feature for Platform {
    fn on_command(&self, state: &mut State, command: Command) -> Vec<Effect> {
        let rows = list_rows(state.size.1);
        match (&mut state.top_mut().kind, command) {
            (ViewKind::PlatformUser(u), Command::Up | Command::Down)
            | (ViewKind::PlatformUser(u), Command::PageUp | Command::PageDown)
            | (ViewKind::PlatformUser(u), Command::Top | Command::Bottom) => {
                u.account_row = step(u.account_row, u.user.accounts.len(), command, rows);
                Vec::new()
            }
            _ => run(state, command),
        }
    }

    /// Enter on the list: the user with their accounts.
    fn open(&self, state: &mut State) -> Vec<Effect> {
        if let ViewKind::PlatformUsers(l) = &state.top().kind
            && let Some(user) = l.rows.get(l.selected).cloned()
        {
            open_record(state, user);
        }
        Vec::new()
    }

    fn refresh(&self, state: &mut State) -> Vec<Effect> {
        let view = state.top().id;
        match &mut state.top_mut().kind {
            ViewKind::PlatformUsers(l) => {
                l.refresh();
                load_more(state, view)
            }
            _ => Vec::new(),
        }
    }

    fn submit(&self, _: &State, form: &Form) -> Result<Call, String> {
        let FormKind::Platform(kind) = &form.kind else {
            return Err("This form does not belong to platform users.".into());
        };
        match change(form, kind) {
            Some((change, audit)) => Ok(Call::Platform(calls::Call::Change {
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
        match result {
            Ok(Payload::Platform(calls::Payload::Changed(user))) => on_changed(state, *user),
            result => on_list_loaded(state, view, req, result),
        }
    }
}

impl ListRow for PlatformUser {
    const TITLE: &'static str = "Platform users";
    const SHEET: &'static str = "platform-users";
    const CONTEXT: Context = registry::PLATFORM_USERS;
    const COPY_LABEL: &'static str = "user id";
    const COLUMNS: &'static [Column<Self>] = COLUMNS;
    fn id(&self) -> String {
        self.id.clone()
    }
}

impl Pane for PlatformUserView {
    fn title(&self) -> String {
        self.user.full_name()
    }
    fn context(&self) -> Context {
        registry::PLATFORM_USER
    }
    fn list(&mut self) -> Option<&mut dyn ListCursor> {
        None
    }
    fn sheet(&self, _: &Shown) -> Option<Sheet> {
        let u = &self.user;
        let mut fields: Vec<(String, String)> = detail(u)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        fields.extend(u.accounts.iter().map(|a| {
            let [label, kind, kyc, expires] = account(a);
            (
                format!("Account {label}"),
                format!("{kind} · KYC {kyc} · expires {expires}"),
            )
        }));
        Some(Sheet::fields(
            "platform-user",
            fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.clone()))
                .collect(),
        ))
    }
    fn copy_target(&self) -> Option<(&'static str, String)> {
        Some(("user id", self.user.id.clone()))
    }
    fn cancelled(&mut self) {}
    fn subject(&self) -> Option<crate::app::pane::Subject> {
        Some(crate::app::pane::Subject::new(
            crate::backends::vasco::NAME,
            format_args!("vasco-user:{}", self.user.id),
            self.user.full_name(),
        ))
    }
}

/// One platform user's fields, in order: what the detail pane draws and what `:export`
/// writes first.
pub fn detail(u: &PlatformUser) -> Vec<(&'static str, String)> {
    use crate::format;
    vec![
        ("Name", u.full_name()),
        ("Email", u.email.clone()),
        ("Mobile", format::or_dash(u.mobile.as_deref()).into()),
        ("State", u.state.label().into()),
        ("Accepted", format::datetime(u.accepted_at)),
        (
            "Deactivated because",
            format::or_dash(u.inactive_comment.as_deref()).into(),
        ),
        (
            "User group",
            u.group
                .as_ref()
                .map(|g| format!("{} ({})", g.name, g.persona))
                .unwrap_or_else(|| "—".into()),
        ),
        ("Last login", format::datetime(u.last_login)),
        ("Id", u.id.clone()),
    ]
}

/// The account table's headers, and one account's cells in their order.
pub const ACCOUNT_HEADERS: [&str; 4] = ["Account", "Kind", "KYC", "KYC expires"];

pub fn account(a: &crate::core::platform::PlatformAccount) -> [String; 4] {
    [
        a.label.clone(),
        a.kind.clone(),
        a.kyc_label.clone(),
        a.kyc_expires
            .map(|d| d.to_string())
            .unwrap_or_else(|| "—".into()),
    ]
}

crate::filter_on_columns!(PlatformUser, COLUMNS);

#[cfg(test)]
mod tests;
